/** Documents by id, for the joins screens make (showtime → movie, hall, seat map). */
export function byId<T extends { id: string }>(docs: readonly T[] | undefined): Map<string, T> {
  return new Map((docs ?? []).map((doc) => [doc.id, doc]));
}
