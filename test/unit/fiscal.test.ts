import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CanonicalQuarterSchema,
  ERAS,
  FiscalError,
  FiscalParseError,
  FiscalQuarterSchema,
  FiscalRangeError,
  LocalDateSchema,
  QuarterTextSchema,
  addDays,
  compareQuarters,
  daysBetween,
  fiscalYearOf,
  fiscalYearRange,
  formatQuarter,
  formatQuarterEn,
  formatQuarterJa,
  formatWarekiDate,
  formatWarekiFiscalYear,
  formatWarekiFiscalYearShort,
  isLocalDate,
  jstDate,
  nextQuarter,
  parseQuarter,
  parseWarekiDate,
  parseWarekiFiscalYear,
  previousQuarter,
  quarterOf,
  quarterRange,
  quartersBetween,
  startOfJstDay,
  tryParseQuarter,
  tryParseWarekiDate,
  tryParseWarekiFiscalYear,
  warekiDateProblem,
  warekiOf,
  type FiscalQuarter,
  type Quarter,
  jstTime,
} from '#shared/domain/fiscal';

const at = (iso: string) => new Date(iso);
const fq = (fiscalYear: number, quarter: Quarter): FiscalQuarter => ({ fiscalYear, quarter });

/** Captures what a call throws, so assertions can look at class and message together. */
function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

// Zones chosen to disagree with JST about the calendar day at most instants: UTC, a zone with
// DST far behind (Los Angeles), the furthest ahead (+14) and furthest behind (−11) zones.
const ZONES = ['Asia/Tokyo', 'UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'] as const;
const EXPECTED_OFFSET_IN_JANUARY: Record<(typeof ZONES)[number], number> = {
  'Asia/Tokyo': -540,
  UTC: 0,
  'America/Los_Angeles': 480,
  'Pacific/Kiritimati': -840,
  'Pacific/Pago_Pago': 660,
};

describe.each(ZONES)('JST calendar with the machine in TZ=%s', (zone) => {
  const original = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('really runs in that zone (so the rest of this block means something)', () => {
    expect(new Date('2013-01-15T00:00:00Z').getTimezoneOffset()).toBe(EXPECTED_OFFSET_IN_JANUARY[zone]);
  });

  describe('fiscal year change at 04-01 00:00 JST', () => {
    it('puts 2013-03-31T14:59:59.999Z in FY2012 and 15:00:00Z in FY2013', () => {
      // Prepare
      const lastInstantOfFy2012 = at('2013-03-31T14:59:59.999Z');
      const firstInstantOfFy2013 = at('2013-03-31T15:00:00Z');

      // Act
      const before = { day: jstDate(lastInstantOfFy2012), fy: fiscalYearOf(lastInstantOfFy2012), q: quarterOf(lastInstantOfFy2012) };
      const after = { day: jstDate(firstInstantOfFy2013), fy: fiscalYearOf(firstInstantOfFy2013), q: quarterOf(firstInstantOfFy2013) };

      // Assess
      expect(before).toEqual({ day: '2013-03-31', fy: 2012, q: fq(2012, 4) });
      expect(after).toEqual({ day: '2013-04-01', fy: 2013, q: fq(2013, 1) });
    });

    it('uses the JST day, not the UTC day', () => {
      // 2014-03-31 in UTC, already 2014-04-01 in Japan.
      expect(fiscalYearOf(at('2014-03-31T16:00:00Z'))).toBe(2014);
      // 2013-04-01 in UTC and in JST alike.
      expect(fiscalYearOf(at('2013-04-01T00:00:00Z'))).toBe(2013);
      expect(fiscalYearOf(at('2013-03-31T23:59:59Z'))).toBe(2013);
      expect(fiscalYearOf(at('2013-03-31T14:00:00Z'))).toBe(2012);
    });

    it('reads a LocalDate as the JST day itself', () => {
      expect(fiscalYearOf('2013-03-31')).toBe(2012);
      expect(fiscalYearOf('2013-04-01')).toBe(2013);
      expect(fiscalYearOf('2012-04-01')).toBe(2012);
      expect(fiscalYearOf('2013-01-01')).toBe(2012);
    });
  });

  describe('quarter edges', () => {
    const edges: Array<[lastDay: string, firstDay: string, before: FiscalQuarter, after: FiscalQuarter]> = [
      ['2013-03-31', '2013-04-01', fq(2012, 4), fq(2013, 1)],
      ['2013-06-30', '2013-07-01', fq(2013, 1), fq(2013, 2)],
      ['2013-09-30', '2013-10-01', fq(2013, 2), fq(2013, 3)],
      ['2013-12-31', '2014-01-01', fq(2013, 3), fq(2013, 4)],
      ['2014-03-31', '2014-04-01', fq(2013, 4), fq(2014, 1)],
    ];

    it.each(edges)('%s | %s splits %o from %o (LocalDate)', (lastDay, firstDay, before, after) => {
      expect(quarterOf(lastDay)).toEqual(before);
      expect(quarterOf(firstDay)).toEqual(after);
    });

    it.each(edges)('%s | %s splits at 15:00 UTC the day before (instants)', (_lastDay, firstDay, before, after) => {
      // Prepare
      const start = startOfJstDay(firstDay);

      // Act
      const lastMs = quarterOf(new Date(start.getTime() - 1));
      const firstMs = quarterOf(start);

      // Assess
      expect(start.getUTCHours()).toBe(15);
      expect(lastMs).toEqual(before);
      expect(firstMs).toEqual(after);
    });

    it('gives each quarter of FY2013 its JST days and half-open instants', () => {
      const ranges = quartersBetween(2013, 2013).map(quarterRange);

      expect(ranges.map((r) => [r.firstDay, r.lastDay, r.start.toISOString(), r.endExclusive.toISOString()])).toEqual([
        ['2013-04-01', '2013-06-30', '2013-03-31T15:00:00.000Z', '2013-06-30T15:00:00.000Z'],
        ['2013-07-01', '2013-09-30', '2013-06-30T15:00:00.000Z', '2013-09-30T15:00:00.000Z'],
        ['2013-10-01', '2013-12-31', '2013-09-30T15:00:00.000Z', '2013-12-31T15:00:00.000Z'],
        ['2014-01-01', '2014-03-31', '2013-12-31T15:00:00.000Z', '2014-03-31T15:00:00.000Z'],
      ]);
    });

    it('tiles FY1989–FY2030 with quarters that have no gaps or overlaps', () => {
      const quarters = quartersBetween(1989, 2030);
      for (const [i, q] of quarters.entries()) {
        const range = quarterRange(q);
        expect(quarterOf(range.firstDay)).toEqual(q);
        expect(quarterOf(range.lastDay)).toEqual(q);
        expect(quarterOf(range.start)).toEqual(q);
        expect(quarterOf(new Date(range.endExclusive.getTime() - 1))).toEqual(q);
        expect(range.endExclusive).toEqual(startOfJstDay(addDays(range.lastDay, 1)));
        const next = quarters[i + 1];
        if (next) expect(quarterRange(next).start).toEqual(range.endExclusive);
      }
    });

    it('gives a fiscal year from 04-01 to 03-31 of the next calendar year', () => {
      const range = fiscalYearRange(2012);

      expect(range.firstDay).toBe('2012-04-01');
      expect(range.lastDay).toBe('2013-03-31');
      expect(range.start.toISOString()).toBe('2012-03-31T15:00:00.000Z');
      expect(range.endExclusive.toISOString()).toBe('2013-03-31T15:00:00.000Z');
      expect(range.start).toEqual(quarterRange(fq(2012, 1)).start);
      expect(range.endExclusive).toEqual(quarterRange(fq(2012, 4)).endExclusive);
    });
  });

  describe('leap days', () => {
    it('counts 2016-02-29 and 2012-02-29 in Q4 of the previous fiscal year', () => {
      expect(quarterOf('2016-02-29')).toEqual(fq(2015, 4));
      expect(quarterOf('2012-02-29')).toEqual(fq(2011, 4));
    });

    it('makes FY2015 and FY2011 366 days long and FY2012 365', () => {
      const length = (fy: number) => daysBetween(fiscalYearRange(fy).firstDay, fiscalYearRange(fy).lastDay) + 1;

      expect(length(2015)).toBe(366);
      expect(length(2011)).toBe(366);
      expect(length(2012)).toBe(365);
      expect(length(2013)).toBe(365);
    });

    it('makes Q4 91 days in a leap year and 90 otherwise', () => {
      const length = (q: FiscalQuarter) => daysBetween(quarterRange(q).firstDay, quarterRange(q).lastDay) + 1;

      expect(length(fq(2015, 4))).toBe(91);
      expect(length(fq(2011, 4))).toBe(91);
      expect(length(fq(2013, 4))).toBe(90);
      expect([1, 2, 3].map((q) => length(fq(2013, q as Quarter)))).toEqual([91, 92, 92]);
    });

    it('steps through February correctly', () => {
      expect(addDays('2016-02-28', 1)).toBe('2016-02-29');
      expect(addDays('2016-02-29', 1)).toBe('2016-03-01');
      expect(addDays('2015-02-28', 1)).toBe('2015-03-01');
      expect(addDays('2012-03-01', -1)).toBe('2012-02-29');
      expect(daysBetween('2016-02-01', '2016-03-01')).toBe(29);
      expect(daysBetween('2015-02-01', '2015-03-01')).toBe(28);
    });

    it('finds the leap day from instants around it', () => {
      expect(jstDate(at('2012-02-28T14:59:59.999Z'))).toBe('2012-02-28');
      expect(jstDate(at('2012-02-28T15:00:00Z'))).toBe('2012-02-29');
      expect(jstDate(at('2012-02-29T15:00:00Z'))).toBe('2012-03-01');
      expect(startOfJstDay('2016-02-29').toISOString()).toBe('2016-02-28T15:00:00.000Z');
    });

    it('accepts only real leap days as LocalDates', () => {
      expect(isLocalDate('2016-02-29')).toBe(true);
      expect(isLocalDate('2000-02-29')).toBe(true);
      expect(isLocalDate('2013-02-29')).toBe(false);
      expect(isLocalDate('1900-02-29')).toBe(false);
    });

    it('writes and reads leap days in 和暦', () => {
      expect(formatWarekiDate('2012-02-29')).toBe('平成24年2月29日');
      expect(parseWarekiDate('平成28年2月29日')).toBe('2016-02-29');
      expect(thrown(() => parseWarekiDate('平成27年2月29日'))).toBeInstanceOf(FiscalParseError);
    });
  });

  describe('era boundaries', () => {
    it.each([
      ['1868-10-23', '明治元年10月23日'],
      ['1912-07-29', '明治45年7月29日'],
      ['1912-07-30', '大正元年7月30日'],
      ['1926-12-24', '大正15年12月24日'],
      ['1926-12-25', '昭和元年12月25日'],
      ['1989-01-07', '昭和64年1月7日'],
      ['1989-01-08', '平成元年1月8日'],
      ['2013-04-01', '平成25年4月1日'],
      ['2019-04-30', '平成31年4月30日'],
      ['2019-05-01', '令和元年5月1日'],
      ['2024-04-01', '令和6年4月1日'],
    ])('%s is %s', (date, wareki) => {
      expect(formatWarekiDate(date)).toBe(wareki);
      expect(parseWarekiDate(wareki)).toBe(date);
    });

    it('changes era at 00:00 JST, i.e. 15:00 UTC the day before', () => {
      expect(formatWarekiDate(at('2019-04-30T14:59:59.999Z'))).toBe('平成31年4月30日');
      expect(formatWarekiDate(at('2019-04-30T15:00:00Z'))).toBe('令和元年5月1日');
      expect(formatWarekiDate(at('1989-01-07T14:59:59.999Z'))).toBe('昭和64年1月7日');
      expect(formatWarekiDate(at('1989-01-07T15:00:00Z'))).toBe('平成元年1月8日');
    });

    it('reports era and era year', () => {
      expect(warekiOf('2019-05-01')).toEqual({ era: ERAS.find((e) => e.name === '令和'), eraYear: 1 });
      expect(warekiOf('2019-04-30').eraYear).toBe(31);
    });

    it('refuses dates before 明治', () => {
      const error = thrown(() => formatWarekiDate('1868-10-22'));

      expect(error).toBeInstanceOf(FiscalRangeError);
      expect((error as Error).message).toMatch(/^明治より前の日付は和暦にできません \/ dates before Meiji/);
    });

    it('agrees with ICU on every JST day from 1868-10-23 to 2031-12-31', () => {
      // Prepare: an independent oracle, pinned to Asia/Tokyo whatever the machine's zone.
      const icu = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
        era: 'long',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        timeZone: 'Asia/Tokyo',
      });
      const mismatches: string[] = [];

      // Act: noon JST keeps the oracle clear of the 1948–1951 summer-time hour.
      for (let day = '1868-10-23'; day <= '2031-12-31'; day = addDays(day, zone === 'Asia/Tokyo' ? 1 : 13)) {
        const parts = Object.fromEntries(icu.formatToParts(new Date(startOfJstDay(day).getTime() + 3 * 3_600_000)).map((p) => [p.type, p.value]));
        const expected = `${parts.era}${parts.year === '1' ? '元' : parts.year}年${parts.month}月${parts.day}日`;
        if (formatWarekiDate(day) !== expected) mismatches.push(`${day}: ${formatWarekiDate(day)} ≠ ${expected}`);
      }

      // Assess
      expect(mismatches).toEqual([]);
    });
  });

  describe('JST days from instants', () => {
    it('agrees with Intl (Asia/Tokyo) on an instant every 7 hours through FY2011–FY2016', () => {
      const icu = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
      const mismatches: string[] = [];

      for (let t = Date.parse('2011-03-01T00:00:00Z'); t < Date.parse('2017-05-01T00:00:00Z'); t += 7 * 3_600_000 + 1_234) {
        const instant = new Date(t);
        if (jstDate(instant) !== icu.format(instant)) mismatches.push(instant.toISOString());
      }

      expect(mismatches).toEqual([]);
    });

    it('starts each JST day at 15:00 UTC the previous day, for a LocalDate or a Date', () => {
      expect(startOfJstDay('2013-04-01').toISOString()).toBe('2013-03-31T15:00:00.000Z');
      expect(startOfJstDay(at('2013-04-01T03:00:00Z')).toISOString()).toBe('2013-03-31T15:00:00.000Z');
      expect(startOfJstDay(at('2013-03-31T15:00:00Z')).toISOString()).toBe('2013-03-31T15:00:00.000Z');
      expect(startOfJstDay(at('2013-03-31T14:59:59.999Z')).toISOString()).toBe('2013-03-30T15:00:00.000Z');
      expect(jstDate(startOfJstDay('2013-04-01'))).toBe('2013-04-01');
    });
  });
});

describe('LocalDate arithmetic', () => {
  it('adds and subtracts days across month and year ends', () => {
    expect(addDays('2013-12-31', 1)).toBe('2014-01-01');
    expect(addDays('2014-01-01', -1)).toBe('2013-12-31');
    expect(addDays('2013-04-01', 0)).toBe('2013-04-01');
    expect(addDays('2012-04-01', 365)).toBe('2013-04-01');
  });

  it('counts days from a to b, negative when b is earlier', () => {
    expect(daysBetween('2013-03-31', '2013-04-01')).toBe(1);
    expect(daysBetween('2013-04-01', '2013-03-31')).toBe(-1);
    expect(daysBetween('2012-04-01', '2016-04-01')).toBe(365 * 3 + 366);
  });

  it('handles years before 100 without the Date.UTC two-digit-year trap', () => {
    expect(addDays('0050-12-31', 1)).toBe('0051-01-01');
    expect(daysBetween('0001-01-01', '0002-01-01')).toBe(365);
  });

  it.each([['2013-13-01'], ['2013-02-29'], ['2013-4-1'], ['2013-03-31T15:00:00Z'], ['']])('rejects %j with a FiscalRangeError', (bad) => {
    const error = thrown(() => addDays(bad, 1));

    expect(error).toBeInstanceOf(FiscalRangeError);
    expect(error).toBeInstanceOf(FiscalError);
    expect((error as Error).message).toMatch(/^日付は実在する YYYY-MM-DD で指定してください \/ expected/);
  });

  it('tells callers passing an ISO instant string to pass a Date', () => {
    expect((thrown(() => fiscalYearOf('2013-03-31T15:00:00Z')) as Error).message).toContain('pass an instant as a Date');
  });

  it('rejects invalid Dates, fractional day counts and years past 9999', () => {
    expect(thrown(() => jstDate(new Date(Number.NaN)))).toBeInstanceOf(FiscalRangeError);
    expect(thrown(() => addDays('2013-04-01', 1.5))).toBeInstanceOf(FiscalRangeError);
    expect(thrown(() => addDays('9999-12-31', 1))).toBeInstanceOf(FiscalRangeError);
  });

  it('validates with LocalDateSchema', () => {
    expect(LocalDateSchema.parse('2016-02-29')).toBe('2016-02-29');
    expect(LocalDateSchema.safeParse('2015-02-29').success).toBe(false);
  });
});

describe('quarter arithmetic', () => {
  it('moves across fiscal-year boundaries', () => {
    expect(nextQuarter(fq(2012, 4))).toEqual(fq(2013, 1));
    expect(nextQuarter(fq(2013, 1))).toEqual(fq(2013, 2));
    expect(previousQuarter(fq(2013, 1))).toEqual(fq(2012, 4));
    expect(previousQuarter(fq(2013, 4))).toEqual(fq(2013, 3));
  });

  it('orders quarters chronologically', () => {
    const shuffled = [fq(2013, 1), fq(2012, 4), fq(2013, 3), fq(2012, 1)];

    const sorted = [...shuffled].sort(compareQuarters);

    expect(sorted.map(formatQuarter)).toEqual(['FY2012-Q1', 'FY2012-Q4', 'FY2013-Q1', 'FY2013-Q3']);
    expect(compareQuarters(fq(2013, 2), fq(2013, 2))).toBe(0);
    expect(compareQuarters(fq(2012, 4), fq(2013, 1))).toBe(-1);
    expect(compareQuarters(fq(2014, 1), fq(2013, 4))).toBe(1);
  });

  it('lists the 16 quarters of the H24–H27 plan in order', () => {
    const quarters = quartersBetween(2012, 2015);

    expect(quarters).toHaveLength(16);
    expect(formatQuarter(quarters[0]!)).toBe('FY2012-Q1');
    expect(formatQuarter(quarters[15]!)).toBe('FY2015-Q4');
    for (let i = 1; i < quarters.length; i++) expect(quarters[i]).toEqual(nextQuarter(quarters[i - 1]!));
  });

  it('refuses a reversed span and invalid quarters', () => {
    expect(thrown(() => quartersBetween(2015, 2012))).toBeInstanceOf(FiscalRangeError);
    expect(thrown(() => quarterRange({ fiscalYear: 2013, quarter: 5 as Quarter }))).toBeInstanceOf(FiscalRangeError);
    expect(thrown(() => formatQuarter({ fiscalYear: 2013.5, quarter: 1 }))).toBeInstanceOf(FiscalRangeError);
    expect(thrown(() => fiscalYearRange(0))).toBeInstanceOf(FiscalRangeError);
  });

  it('sorts canonical strings the same way as compareQuarters', () => {
    const quarters = quartersBetween(1989, 2030);
    const strings = quarters.map(formatQuarter);

    expect([...strings].sort()).toEqual(strings);
  });
});

describe('和暦 fiscal year labels', () => {
  it.each([
    [1926, '大正15年度', 'T15年度'],
    [1988, '昭和63年度', 'S63年度'],
    [1989, '平成元年度', 'H1年度'],
    [2012, '平成24年度', 'H24年度'],
    [2015, '平成27年度', 'H27年度'],
    [2018, '平成30年度', 'H30年度'],
    [2019, '令和元年度', 'R1年度'],
    [2024, '令和6年度', 'R6年度'],
  ])('FY%i is %s (%s)', (fy, long, short) => {
    expect(formatWarekiFiscalYear(fy)).toBe(long);
    expect(formatWarekiFiscalYearShort(fy)).toBe(short);
  });

  it('labels FY2019 令和 although it began under 平成, and FY1988 昭和 although 平成 began in it', () => {
    expect(warekiOf(fiscalYearRange(2019).firstDay).era.name).toBe('平成');
    expect(formatWarekiFiscalYear(2019)).toBe('令和元年度');
    expect(warekiOf(fiscalYearRange(1988).lastDay).era.name).toBe('平成');
    expect(formatWarekiFiscalYear(1988)).toBe('昭和63年度');
  });

  it('refuses fiscal years before 明治', () => {
    expect(thrown(() => formatWarekiFiscalYear(1868))).toBeInstanceOf(FiscalRangeError);
  });
});

describe('round trips FY1989–FY2030', () => {
  const years = Array.from({ length: 2030 - 1989 + 1 }, (_, i) => 1989 + i);

  it('reads back every long and short fiscal year label', () => {
    for (const fy of years) {
      expect(parseWarekiFiscalYear(formatWarekiFiscalYear(fy))).toBe(fy);
      expect(parseWarekiFiscalYear(formatWarekiFiscalYearShort(fy))).toBe(fy);
      expect(parseWarekiFiscalYear(`${fy}年度`)).toBe(fy);
      expect(parseWarekiFiscalYear(`FY${fy}`)).toBe(fy);
    }
  });

  it('reads back every quarter in canonical and Japanese form', () => {
    for (const q of quartersBetween(1989, 2030)) {
      expect(parseQuarter(formatQuarter(q))).toEqual(q);
      expect(parseQuarter(`${formatWarekiFiscalYear(q.fiscalYear)} 第${q.quarter}四半期`)).toEqual(q);
      expect(parseQuarter(`${formatWarekiFiscalYearShort(q.fiscalYear)} Q${q.quarter}`)).toEqual(q);
      expect(CanonicalQuarterSchema.safeParse(formatQuarter(q)).success).toBe(true);
    }
  });

  it('reads back the 和暦 form of every quarter edge day', () => {
    for (const q of quartersBetween(1989, 2030)) {
      const { firstDay, lastDay } = quarterRange(q);
      expect(parseWarekiDate(formatWarekiDate(firstDay))).toBe(firstDay);
      expect(parseWarekiDate(formatWarekiDate(lastDay))).toBe(lastDay);
    }
  });
});

describe('parseWarekiFiscalYear', () => {
  it.each([
    ['平成24年度', 2012],
    ['H24年度', 2012],
    ['Ｈ２４年度', 2012],
    ['H24 年度', 2012],
    ['h24年度', 2012],
    ['  平成24年度 ', 2012],
    ['平成二十四年度', 2012],
    ['㍻24年度', 2012],
    ['令和元年度', 2019],
    ['R元年度', 2019],
    ['R1年度', 2019],
    ['平成31年度', 2019],
    ['平成32年度', 2020],
    ['昭和63年度', 1988],
    ['S64年度', 1989],
    ['R6年度', 2024],
    ['令和6年度', 2024],
    ['2012年度', 2012],
    ['２０１２年度', 2012],
    ['FY2012', 2012],
    ['FY 2012', 2012],
    ['fy2012', 2012],
    ['ＦＹ２０１２', 2012],
  ])('reads %j as %i', (text, fy) => {
    expect(parseWarekiFiscalYear(text)).toBe(fy);
  });

  it('throws a bilingual FiscalParseError that names the input', () => {
    // Act
    const error = thrown(() => parseWarekiFiscalYear('平成二四五年度?'));

    // Assess
    expect(error).toBeInstanceOf(FiscalParseError);
    expect(error).toBeInstanceOf(FiscalError);
    expect((error as FiscalParseError).input).toBe('平成二四五年度?');
    expect((error as Error).message).toBe('年度を読み取れません / cannot read fiscal year: "平成二四五年度?"');
  });

  it.each([
    ['平成24年', '暦年ではなく年度'],
    ['2012', '「年度」か「FY」を付けてください'],
    ['H24', '「年度」か「FY」を付けてください'],
    ['H0年度', '平成の年は1(元年)から数えます'],
    ['X24年度', undefined],
    ['FY12', undefined],
    ['', undefined],
  ])('rejects %j', (text, hint) => {
    const error = thrown(() => parseWarekiFiscalYear(text)) as Error;

    expect(error).toBeInstanceOf(FiscalParseError);
    expect(error.message.startsWith(`年度を読み取れません / cannot read fiscal year: ${JSON.stringify(text)}`)).toBe(true);
    if (hint) expect(error.message).toContain(hint);
    expect(tryParseWarekiFiscalYear(text)).toBeUndefined();
  });
});

describe('parseQuarter', () => {
  it.each([
    ['FY2013-Q2', fq(2013, 2)],
    ['FY2013Q2', fq(2013, 2)],
    ['FY2013 Q2', fq(2013, 2)],
    ['fy2013-q2', fq(2013, 2)],
    ['2013-Q2', fq(2013, 2)],
    ['2013Q2', fq(2013, 2)],
    ['平成25年度第2四半期', fq(2013, 2)],
    ['平成25年度 第二四半期', fq(2013, 2)],
    ['2013年度第2四半期', fq(2013, 2)],
    ['令和6年度 第1四半期', fq(2024, 1)],
    ['令和元年度 第4四半期', fq(2019, 4)],
    ['H25 Q2', fq(2013, 2)],
    ['H25年度 Q4', fq(2013, 4)],
    ['ＦＹ２０１３－Ｑ２', fq(2013, 2)],
    ['平成２５年度第２四半期', fq(2013, 2)],
  ])('reads %j', (text, expected) => {
    expect(parseQuarter(text)).toEqual(expected);
  });

  it.each([
    ['FY2013-Q5', '四半期は1〜4です'],
    ['FY2013-Q0', '四半期は1〜4です'],
    ['2013年第2四半期', '暦年ではなく年度'],
    ['FY2013', undefined],
    ['Q2', undefined],
    ['', undefined],
  ])('rejects %j', (text, hint) => {
    const error = thrown(() => parseQuarter(text)) as Error;

    expect(error).toBeInstanceOf(FiscalParseError);
    expect(error.message.startsWith(`四半期を読み取れません / cannot read quarter: ${JSON.stringify(text)}`)).toBe(true);
    if (hint) expect(error.message).toContain(hint);
    expect(tryParseQuarter(text)).toBeUndefined();
  });

  it('parses user text through QuarterTextSchema, failing with the same message', () => {
    expect(QuarterTextSchema.parse('H25 Q2')).toEqual(fq(2013, 2));
    expect(FiscalQuarterSchema.parse(QuarterTextSchema.parse('FY2013-Q2'))).toEqual(fq(2013, 2));

    const result = QuarterTextSchema.safeParse('H25 Q9');

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^四半期を読み取れません \/ cannot read quarter: "H25 Q9"/);
  });

  it('keeps the canonical schema strict', () => {
    expect(CanonicalQuarterSchema.safeParse('FY2013Q2').success).toBe(false);
    // Only the years parseQuarter reads: FY0001 to FY9998
    expect(['FY0000-Q1', 'FY0001-Q1', 'FY9998-Q4', 'FY9999-Q1'].map((q) => CanonicalQuarterSchema.safeParse(q).success)).toEqual([false, true, true, false]);
    expect(['FY0001-Q1', 'FY9998-Q4'].map((q) => formatQuarter(parseQuarter(q)))).toEqual(['FY0001-Q1', 'FY9998-Q4']);
    expect(FiscalQuarterSchema.safeParse({ fiscalYear: 2013, quarter: 5 }).success).toBe(false);
  });
});

describe('what a refused quarter is told', () => {
  it.each([
    ['Q2', 'the fiscal year is missing'],
    ['第2四半期', 'the fiscal year is missing'],
    ['FY2013-Q5', 'quarters are 1 to 4'],
    ['平成25年度第5四半期', 'quarters are 1 to 4'],
    ['FY2013-Q2x', 'e.g. FY2013-Q2'],
  ])('%s: %s', (text, hint) => {
    expect(() => parseQuarter(text)).toThrow(hint);
  });
});

describe('whitespace between digits, however much of it', () => {
  it.each([
    ['H2 4年度', () => parseWarekiFiscalYear('H2 4年度')],
    ['H2  4年度', () => parseWarekiFiscalYear('H2  4年度')],
    ['H2\t 4年度', () => parseWarekiFiscalYear('H2\t 4年度')],
    ['FY20  13-Q2', () => parseQuarter('FY20  13-Q2')],
    ['2019年4月3  0日', () => parseWarekiDate('2019年4月3  0日')],
  ])('refuses %j rather than merging the numbers', (_, read) => {
    expect(read).toThrow(FiscalParseError);
  });

  it('drops whitespace that does not stand between two digits', () => {
    expect(parseWarekiFiscalYear('平成  24 年度')).toBe(2012);
    expect(formatQuarter(parseQuarter(' FY2013 -  Q2 '))).toBe('FY2013-Q2');
  });
});

describe('parseWarekiDate', () => {
  it.each([
    ['平成31年4月30日', '2019-04-30'],
    ['令和元年5月1日', '2019-05-01'],
    ['R1.5.1', '2019-05-01'],
    ['R01.05.01', '2019-05-01'],
    ['H31/4/30', '2019-04-30'],
    ['Ｈ３１．４．３０', '2019-04-30'],
    ['平成 31 年 4 月 30 日', '2019-04-30'],
    ['平成三十一年四月三十日', '2019-04-30'],
    ['平成31年5月1日', '2019-05-01'],
    ['昭和64年1月7日', '1989-01-07'],
    ['2019年4月30日', '2019-04-30'],
    ['2019-04-30', '2019-04-30'],
    ['2019/4/30', '2019-04-30'],
  ])('reads %j as %s', (text, date) => {
    expect(parseWarekiDate(text)).toBe(date);
  });

  it.each([
    ['平成元年1月7日', '平成は1989年1月8日からです'],
    ['令和元年4月30日', 'Reiwa began on 2019-05-01'],
    ['平成31年2月30日', 'その日は存在しません'],
    ['平成31年13月1日', 'その日は存在しません'],
    ['平成0年1月1日', '平成の年は1(元年)から数えます'],
    ['きのう', undefined],
  ])('rejects %j', (text, hint) => {
    const error = thrown(() => parseWarekiDate(text)) as Error;

    expect(error).toBeInstanceOf(FiscalParseError);
    expect(error.message.startsWith(`日付を読み取れません / cannot read date: ${JSON.stringify(text)}`)).toBe(true);
    if (hint) expect(error.message).toContain(hint);
    expect(tryParseWarekiDate(text)).toBeUndefined();
  });
});

describe('warekiDateProblem', () => {
  it.each([
    ['昭和64年1月7日', undefined],
    ['平成元年1月7日', { ja: '平成は1989年1月8日からです', en: 'Heisei began on 1989-01-08' }],
    ['H1.1.7', { ja: '平成は1989年1月8日からです', en: 'Heisei began on 1989-01-08' }],
    ['平成元年1月8日', undefined],
    ['昭和64年1月8日', undefined], // after 昭和 ended: read, as forms printed before an era change say it
    ['平成31年4月30日', undefined],
    ['令和元年4月30日', { ja: '令和は2019年5月1日からです', en: 'Reiwa began on 2019-05-01' }],
    ['令和元年4月10日', { ja: '令和は2019年5月1日からです', en: 'Reiwa began on 2019-05-01' }],
    ['R1/4/30', { ja: '令和は2019年5月1日からです', en: 'Reiwa began on 2019-05-01' }],
    ['令和元年5月1日', undefined],
    ['平成31年5月20日', undefined],
  ])('says of %j: %j', (text, problem) => {
    // Act
    const said = warekiDateProblem(text);

    // Assess
    expect(said).toEqual(problem);
    expect(tryParseWarekiDate(text) === undefined).toBe(problem !== undefined);
  });

  it('says why other dates it can read the shape of are refused, and nothing of text that is no date', () => {
    expect(warekiDateProblem('平成31年2月30日')).toEqual({ ja: 'その日は存在しません', en: 'no such day' });
    expect(warekiDateProblem('平成0年1月1日')).toEqual({ ja: '平成の年は1(元年)から数えます', en: 'Heisei years count from 1 (元年)' });
    expect(warekiDateProblem('きのう')).toBeUndefined();
    expect(warekiDateProblem('2019-04-30')).toBeUndefined();
  });
});

describe('labels for people', () => {
  it.each([
    [fq(2013, 2), '平成25年度 第2四半期 (2013年7月–9月)', 'FY2013 Q2 (Jul–Sep 2013)'],
    [fq(2013, 4), '平成25年度 第4四半期 (2014年1月–3月)', 'FY2013 Q4 (Jan–Mar 2014)'],
    [fq(2012, 1), '平成24年度 第1四半期 (2012年4月–6月)', 'FY2012 Q1 (Apr–Jun 2012)'],
    [fq(2019, 1), '令和元年度 第1四半期 (2019年4月–6月)', 'FY2019 Q1 (Apr–Jun 2019)'],
    [fq(2024, 3), '令和6年度 第3四半期 (2024年10月–12月)', 'FY2024 Q3 (Oct–Dec 2024)'],
  ])('%o reads %s / %s', (q, ja, en) => {
    expect(formatQuarterJa(q)).toBe(ja);
    expect(formatQuarterEn(q)).toBe(en);
  });

  it('writes the canonical form zero-padded and parseable', () => {
    expect(formatQuarter(fq(2013, 2))).toBe('FY2013-Q2');
  });
});

describe('jstTime', () => {
  it.each([
    ['2013-03-31T14:59:00Z', '23:59'],
    ['2013-03-31T15:00:00Z', '00:00'],
    ['2013-07-10T05:03:59Z', '14:03'],
    ['1969-12-31T23:30:00Z', '08:30'],
  ])('gives the JST time of day of %s as %s', (instant, expected) => {
    expect(jstTime(new Date(instant))).toBe(expected);
  });

  it('refuses an invalid Date', () => {
    expect(() => jstTime(new Date('nonsense'))).toThrow(FiscalRangeError);
  });
});
