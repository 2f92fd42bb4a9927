/**
 * Reads a multipart/form-data body (RFC 7578) as the fakes receive it from grammY (sendDocument) and
 * Slack's WebClient (the file upload). Lenient about header spacing and unquoted filenames, as
 * Telegram's own servers are: grammY writes `content-disposition:form-data;name="x";filename=a.diff`.
 */
export interface FormPart {
  name: string;
  filename?: string;
  bytes: Buffer;
}

/** @returns the parts, or null when the content type is not multipart with a boundary */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | null {
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const chunk = body.subarray(start + 2, next - 2); // after CRLF, before CRLF--boundary
    const split = chunk.indexOf('\r\n\r\n');
    const headers = chunk.subarray(0, split).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    parts.push({ name, ...(filename ? { filename } : {}), bytes: chunk.subarray(split + 4) });
    at = next;
  }
  return parts;
}
