/** Hall features as printed on tickets and programme boards. */
import type { HallFeature } from '@marquee/shared';
import type { Strings } from '../i18n/strings.ts';

export function featureText(feature: HallFeature, t: Strings): string {
  switch (feature) {
    case 'imax':
      return t.featureImax;
    case '3d':
      return t.feature3d;
    case 'dolby-atmos':
      return t.featureDolbyAtmos;
    case 'dolby-cinema':
      return t.featureDolbyCinema;
    case '4dx':
      return t.feature4dx;
    case 'laser':
      return t.featureLaser;
  }
}
