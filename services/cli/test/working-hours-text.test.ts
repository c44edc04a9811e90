import { describe, expect, it } from 'vitest';
import { formatWorkingHours, parseWorkingHours } from '../src/working-hours-text.ts';

describe('working hours as typed on the command line', () => {
  it('reads day ranges, lists of days, several intervals, and full day names', () => {
    expect(parseWorkingHours(['mon-wed,fri 09:00-12:00,13:00-17:00', 'Saturday 10:00-14:00'])).toEqual({
      mon: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }],
      tue: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }],
      wed: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }],
      fri: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }],
      sat: [{ from: '10:00', to: '14:00' }],
    });
  });

  it('puts the hours after midnight on the next day, Sunday into Monday', () => {
    expect(parseWorkingHours(['sun 20:00-02:00', 'mon 09:00-12:00'])).toEqual({
      mon: [{ from: '00:00', to: '02:00' }, { from: '09:00', to: '12:00' }],
      sun: [{ from: '20:00', to: '24:00' }],
    });
    expect(parseWorkingHours(['fri 18:00-00:00'])).toEqual({ fri: [{ from: '18:00', to: '24:00' }] });
  });

  it('reads "always" as no schedule', () => {
    expect(parseWorkingHours(['always'])).toBeNull();
  });

  it.each([
    [['mon-fri'], '"mon-fri": write days, a space, then hours'],
    [['mon-fri 9-17'], '"9-17" in "mon-fri 9-17": hours must be HH:MM-HH:MM'],
    [['mo-fr 09:00-17:00'], '"mo" in "mo-fr 09:00-17:00" is not a day'],
    [['fri-mon 09:00-17:00'], 'runs from Monday towards Sunday'],
    [['mon 09:00-09:00'], 'starts and ends at the same time'],
    [['mon 25:00-26:00'], 'hours must be HH:MM-HH:MM'],
    [['always', 'mon 09:00-17:00'], '"always": write days, a space, then hours'],
    [[], 'give the working hours'],
  ])('refuses %j, naming the part that is wrong', (specs, message) => {
    expect(() => parseWorkingHours(specs)).toThrow(message);
  });

  it('writes a schedule back the way it is typed, grouping days with the same hours', () => {
    const typed = ['mon-thu 09:00-12:30,13:30-18:00', 'fri 09:00-15:00', 'sun 10:00-12:00'];
    const text = formatWorkingHours(parseWorkingHours(typed));
    expect(text).toBe('mon-thu 09:00-12:30,13:30-18:00; fri 09:00-15:00; sun 10:00-12:00');
    expect(parseWorkingHours(text.split('; '))).toEqual(parseWorkingHours(typed));
    expect(formatWorkingHours(null)).toBe('always');
    expect(formatWorkingHours({})).toBe('never');
  });
});
