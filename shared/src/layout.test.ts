import { describe, expect, it } from 'vitest';
import type { HallLayout } from './domain.ts';
import {
  areAdjacent,
  capacity,
  layoutSeats,
  loveseatPartner,
  seatBlocks,
  seatIndex,
  seatNeighbours,
  validateLayout,
} from './layout.ts';
import { largeHall, layoutFromPatterns, mainHall, premiumHall, smallHall } from './testing/layouts.ts';

function problemOf(input: unknown): Record<string, unknown> {
  const result = validateLayout(input);
  if (result.ok) throw new Error('expected the layout to be refused');
  expect(result.error.code).toBe('validation_failed');
  return result.error.details ?? {};
}

describe('layout geometry', () => {
  it('lists every seat row by row from the screen, with columns that count aisles', () => {
    const seats = layoutSeats(mainHall());
    expect(seats).toHaveLength(336);
    expect(seats[0]).toEqual({
      id: 'A-1',
      row: 'A',
      label: '1',
      kind: 'wheelchair',
      blocked: false,
      rowIndex: 0,
      column: 0,
    });
    const firstCentreSeat = seats.find((seat) => seat.id === 'B-7');
    expect(firstCentreSeat).toMatchObject({ rowIndex: 1, column: 7 });
    expect(seats.at(-1)).toMatchObject({ id: 'P-24', rowIndex: 13, column: 25 });
  });

  it('finds seats by id, computing the index once per layout', () => {
    const layout = smallHall();
    const index = seatIndex(layout);
    expect(index.size).toBe(60);
    expect(index.get('F-1')?.kind).toBe('wheelchair');
    expect(index.get('Z-1')).toBeUndefined();
    expect(seatIndex(layout)).toBe(index);
    expect(seatIndex(smallHall())).not.toBe(index);
  });

  it('counts capacity without permanently blocked seats', () => {
    expect(capacity(mainHall())).toBe(336);
    expect(capacity(smallHall())).toBe(60);
    expect(capacity(largeHall())).toBe(400);
    expect(capacity(layoutFromPatterns(['SSXS_SS', 'XXSS']))).toBe(7);
  });

  it('splits rows into blocks at aisles', () => {
    const blocks = seatBlocks(mainHall()).filter((block) => block.row === 'C');
    expect(blocks.map((block) => block.seats.length)).toEqual([6, 12, 6]);
    expect(blocks[1]?.seats[0]?.id).toBe('C-7');
  });

  it('treats seats as adjacent only side by side in one row with no aisle between', () => {
    const layout = mainHall();
    expect(areAdjacent(layout, 'C-3', 'C-4')).toBe(true);
    expect(areAdjacent(layout, 'C-4', 'C-3')).toBe(true);
    expect(areAdjacent(layout, 'C-6', 'C-7')).toBe(false); // across the aisle
    expect(areAdjacent(layout, 'C-3', 'D-3')).toBe(false); // one behind the other
    expect(areAdjacent(layout, 'C-3', 'C-5')).toBe(false);
    expect(areAdjacent(layout, 'C-3', 'Z-4')).toBe(false);
  });

  it('names the neighbours of a seat, none beyond an aisle or a row end', () => {
    const layout = mainHall();
    const middle = seatNeighbours(layout, 'D-10');
    expect([middle.left?.id, middle.right?.id]).toEqual(['D-9', 'D-11']);
    const aisle = seatNeighbours(layout, 'D-6');
    expect([aisle.left?.id, aisle.right?.id]).toEqual(['D-5', undefined]);
    const rowEnd = seatNeighbours(layout, 'D-1');
    expect([rowEnd.left?.id, rowEnd.right?.id]).toEqual([undefined, 'D-2']);
    expect(seatNeighbours(layout, 'Z-1')).toEqual({ left: undefined, right: undefined });
  });

  it('pairs the two halves of a loveseat', () => {
    const layout = premiumHall();
    expect(loveseatPartner(layout, 'G-1')?.id).toBe('G-2');
    expect(loveseatPartner(layout, 'G-2')?.id).toBe('G-1');
    expect(loveseatPartner(layout, 'G-5')?.id).toBe('G-6');
    expect(loveseatPartner(layout, 'A-1')).toBeUndefined();
  });
});

describe('validateLayout', () => {
  it('accepts every test hall', () => {
    for (const layout of [mainHall(), premiumHall(), smallHall(), largeHall()]) {
      expect(validateLayout(layout)).toEqual({ ok: true, value: layout });
    }
  });

  it('names the path of a malformed cell', () => {
    const layout = mainHall() as unknown as { rows: { cells: Record<string, unknown>[] }[] };
    const bad = structuredClone(layout);
    const cell = bad.rows[2]?.cells[3];
    if (cell === undefined) throw new Error('fixture changed');
    cell.kind = 'sofa';
    const details = problemOf(bad);
    expect(details.path).toBe('rows.2.cells.3.kind');
  });

  it('refuses something that is not a layout at all', () => {
    expect(problemOf(null).path).toBe('');
    expect(problemOf({ version: 1, rows: [] }).path).toBe('rows');
  });

  it('refuses a row label used twice', () => {
    const layout: HallLayout = {
      version: 1,
      rows: [
        { label: 'A', cells: [{ type: 'seat', label: '1', kind: 'standard' }] },
        { label: 'A', cells: [{ type: 'seat', label: '2', kind: 'standard' }] },
      ],
    };
    expect(problemOf(layout)).toMatchObject({ rule: 'duplicate_row', row: 'A' });
  });

  it('refuses a seat label used twice in a row', () => {
    const layout: HallLayout = {
      version: 1,
      rows: [
        {
          label: 'F',
          cells: [
            { type: 'seat', label: '7', kind: 'standard' },
            { type: 'gap' },
            { type: 'seat', label: '7', kind: 'standard' },
          ],
        },
      ],
    };
    expect(problemOf(layout)).toMatchObject({ rule: 'duplicate_seat', row: 'F', seat: '7' });
  });

  it('refuses a hall of aisles only', () => {
    const layout: HallLayout = { version: 1, rows: [{ label: 'A', cells: [{ type: 'gap' }] }] };
    expect(problemOf(layout)).toMatchObject({ rule: 'no_seats' });
  });

  it('refuses a loveseat half without its partner beside it', () => {
    expect(problemOf(layoutFromPatterns(['SSSSSL_RSS']))).toMatchObject({
      rule: 'loveseat_pair',
      row: 'A',
      seat: '6',
    });
    expect(problemOf(layoutFromPatterns(['SS', 'SRLR']))).toMatchObject({
      rule: 'loveseat_pair',
      row: 'B',
      seat: '2',
    });
    expect(problemOf(layoutFromPatterns(['LLR']))).toMatchObject({ rule: 'loveseat_pair', seat: '1' });
  });

  it('refuses a loveseat with only one half blocked', () => {
    const layout = layoutFromPatterns(['LRLR']);
    const row = layout.rows[0];
    const cell = row?.cells[2];
    if (cell?.type !== 'seat') throw new Error('fixture changed');
    cell.blocked = true;
    expect(problemOf(layout)).toMatchObject({ rule: 'loveseat_pair', row: 'A', seat: '3' });
  });

  it('refuses a companion seat that is not directly next to a wheelchair place', () => {
    expect(problemOf(layoutFromPatterns(['SCWS', 'SSCS']))).toMatchObject({
      rule: 'companion_without_wheelchair',
      row: 'B',
      seat: '3',
    });
    // An aisle between them means the companion cannot sit beside the wheelchair user.
    expect(problemOf(layoutFromPatterns(['W_CSS']))).toMatchObject({
      rule: 'companion_without_wheelchair',
      seat: '2',
    });
  });

  it('lists every problem so an editor can mark them all at once', () => {
    const details = problemOf(layoutFromPatterns(['CSS', 'SLS', 'SSC']));
    expect(details.rule).toBe('companion_without_wheelchair');
    expect(details.problems).toEqual([
      expect.objectContaining({ rule: 'companion_without_wheelchair', row: 'A', seat: '1' }),
      expect.objectContaining({ rule: 'loveseat_pair', row: 'B', seat: '2' }),
      expect.objectContaining({ rule: 'companion_without_wheelchair', row: 'C', seat: '3' }),
    ]);
  });
});
