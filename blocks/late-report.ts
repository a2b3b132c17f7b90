/** A report made later after discovery than the organisation allows. */
export interface LateReport {
  delayHours: number;
  limitHours: number;
}

const hours = (h: number) => {
  const n = h >= 48 ? Math.round(h / 24) : Math.round(h);
  const unit = h >= 48 ? 'day' : 'hour';
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
};

/** The card's flag: seed 000 Rep.1 asks for a report "immediately" on discovery. */
export function lateReportLine(late: LateReport): string {
  return `:hourglass: Reported late: ${hours(late.delayHours)} after discovery (the procedure asks for it immediately; the limit is ${hours(late.limitHours)}).`;
}
