import type { InventoryBinding } from '@irsa-backstage/plugin-irsa-common';
import { ReviewStatus, UNOWNED } from './reviewView';

/**
 * One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote
 * or a line break, quotes doubled. A field starting with `=`, `+`, `-` or `@`
 * is prefixed with `'` so spreadsheets do not run it as a formula (the
 * values come from Kubernetes and IAM, which anyone with access can name).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV text, lines ended by CRLF. */
export function toCsv(rows: string[][]): string {
  return rows.map(row => `${row.map(csvField).join(',')}\r\n`).join('');
}

export const CSV_HEADER = [
  'owner',
  'entity',
  'cluster',
  'namespace',
  'service account',
  'role ARN',
  'severity',
  'finding codes',
  'review status',
  'reviewer',
  'reviewed at',
  'review comment',
];

/** The bindings of the current view, with their review status, as CSV. */
export function bindingsCsv(
  rows: Array<{ binding: InventoryBinding; status: ReviewStatus }>,
): string {
  return toCsv([
    CSV_HEADER,
    ...rows.map(({ binding: b, status }) => {
      const review =
        status.state === 'not-reviewed' ? undefined : status.review;
      return [
        b.owner ?? UNOWNED,
        b.entityRef ?? '',
        b.cluster ?? '',
        b.namespace ?? '',
        b.serviceAccount ?? '',
        b.roleArn ?? '',
        b.severity ?? '',
        b.findings.map(f => f.code).join(' '),
        status.state === 'not-reviewed' ? 'not reviewed' : status.state,
        review?.reviewer ?? '',
        review?.createdAt ?? '',
        review?.comment ?? '',
      ];
    }),
  ]);
}

/** Offers text as a file download from the browser. */
export function downloadText(
  text: string,
  fileName: string,
  type = 'text/csv;charset=utf-8',
): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
