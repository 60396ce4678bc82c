import { strFromU8, unzipSync } from 'fflate';

/**
 * The report's files read back the way another program would, not with the code that wrote them: CSV by RFC 4180,
 * XLSX unzipped and its sheet XML read by the parts of SpreadsheetML a simple sheet uses (shared strings, numbers).
 */

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error(`the CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return records;
}

export interface ReadSheet {
  name: string;
  /** Row by row; a shared string as a string, a numeric cell as a number. */
  rows: Array<Array<string | number>>;
  /** Whether each cell was stored as a number (no `t` attribute) rather than as text. */
  numeric: boolean[][];
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+);/g, (_, entity: string) =>
    entity.startsWith('#') ? String.fromCodePoint(Number(entity.slice(1))) : { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity]!,
  );
}

/** Column letters to a zero-based index: A → 0, Z → 25, AA → 26. */
function columnIndex(letters: string): number {
  return [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
}

export function readXlsx(buffer: Uint8Array): ReadSheet[] {
  const files = unzipSync(buffer);
  const text = (name: string) => {
    const file = files[name];
    if (!file) throw new Error(`the workbook has no ${name}; it has ${Object.keys(files).join(', ')}`);
    return strFromU8(file);
  };
  const shared = files['xl/sharedStrings.xml']
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map(([, si]) =>
        unescapeXml([...si!.matchAll(/<t(?: [^>]*)?>([\s\S]*?)<\/t>/g)].map(([, t]) => t).join('')),
      )
    : [];
  const names = [...text('xl/workbook.xml').matchAll(/<sheet [^>]*name="([^"]*)"/g)].map(([, name]) => unescapeXml(name!));
  return names.map((name, i) => {
    const rows: Array<Array<string | number>> = [];
    const numeric: boolean[][] = [];
    for (const [, r, body] of text(`xl/worksheets/sheet${i + 1}.xml`).matchAll(/<row r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
      const row: Array<string | number> = [];
      const kinds: boolean[] = [];
      for (const [, attrs, v] of body!.matchAll(/<c ([^>]*)>(?:<v>([^<]*)<\/v>)?<\/c>/g)) {
        const column = columnIndex(/r="([A-Z]+)\d+"/.exec(attrs!)![1]!);
        const type = /t="([^"]*)"/.exec(attrs!)?.[1];
        row[column] = type === 's' ? shared[Number(v)]! : type === undefined ? Number(v) : unescapeXml(v ?? '');
        kinds[column] = type === undefined;
      }
      rows[Number(r) - 1] = row;
      numeric[Number(r) - 1] = kinds;
    }
    return { name, rows, numeric };
  });
}
