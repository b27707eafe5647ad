/** FX rates in fx_rates (PROTOCOL §12): a day replaced whole with its audit entry, in one transaction. */
import { FxDay, FxRateStore } from '../app/fx/fxRates';
import { recordAudit } from './auditLog';
import { decimalText } from '../domain/fx';
import { Prisma } from './prismaClient';

const dayDate = (day: string) => new Date(`${day}T00:00:00.000Z`);

export class PrismaFxRateStore implements FxRateStore {
  constructor(private readonly prisma: Prisma) {}

  async replaceDay(actor: string, day: FxDay): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const before = await tx.fxRate.findMany({ where: { day: dayDate(day.date) }, orderBy: { currency: 'asc' } });
      await tx.fxRate.deleteMany({ where: { day: dayDate(day.date) } });
      const setAt = new Date();
      const rows = Object.entries(day.rates).map(([currency, rate]) => ({
        day: dayDate(day.date),
        currency,
        rate,
        setBy: actor,
        setAt,
      }));
      if (rows.length > 0) await tx.fxRate.createMany({ data: rows });
      await recordAudit(tx, {
        actor,
        action: 'fx.set',
        targetType: 'fx-day',
        targetId: day.date,
        before: before.length
          ? Object.fromEntries(before.map((r) => [r.currency, decimalText(r.rate.toFixed())]))
          : null,
        after: day.rates,
      });
    });
  }

  async listDays(range: { from?: string; to?: string }, limit: number): Promise<FxDay[]> {
    const where = {
      day: {
        ...(range.from !== undefined ? { gte: dayDate(range.from) } : {}),
        ...(range.to !== undefined ? { lt: dayDate(range.to) } : {}),
      },
    };
    // The days first (bounded), then their rates: a day holds at most MAX_RATES_PER_DAY of them.
    const days = await this.prisma.fxRate.findMany({
      where,
      distinct: ['day'],
      select: { day: true },
      orderBy: { day: 'asc' },
      take: limit,
    });
    if (days.length === 0) return [];
    const rows = await this.prisma.fxRate.findMany({
      where: { day: { gte: days[0]!.day, lte: days[days.length - 1]!.day } },
      orderBy: [{ day: 'asc' }, { currency: 'asc' }],
    });
    const byDay = new Map<string, Record<string, string>>();
    for (const row of rows) {
      const date = row.day.toISOString().slice(0, 10);
      const rates = byDay.get(date) ?? {};
      rates[row.currency] = decimalText(row.rate.toFixed());
      byDay.set(date, rates);
    }
    return [...byDay].map(([date, rates]) => ({ date, rates }));
  }
}
