'use strict';
// Reads texts from an uploaded .txt, .csv or .jsonl file, in the browser (nothing is uploaded as a file).
(function () {
  const MAX_FILE_TEXTS = 10000;
  const MAX_FILE_BYTES = 5 * 1024 * 1024;

  // RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks.
  function csvRows(text) {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    const endField = () => {
      row.push(field);
      field = '';
    };
    const endRow = () => {
      endField();
      rows.push(row);
      row = [];
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"' && field === '') quoted = true;
      else if (c === ',') endField();
      else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        endRow();
      } else field += c;
    }
    if (field !== '' || row.length) endRow();
    return rows;
  }

  function fromCsv(text) {
    const rows = csvRows(text).filter((row) => row.some((cell) => cell.trim() !== ''));
    if (rows.length === 0) return [];
    const column = rows[0].findIndex((cell) => cell.trim().toLowerCase() === 'text');
    return column >= 0 ? rows.slice(1).map((row) => row[column] || '') : rows.map((row) => row[0]);
  }

  function fromJsonl(text) {
    return text.split(/\r?\n/).flatMap((line, index) => {
      if (line.trim() === '') return [];
      let value;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error('Line ' + (index + 1) + ' is not JSON.');
      }
      if (typeof value === 'string') return [value];
      if (value && typeof value.text === 'string') return [value.text];
      throw new Error('Line ' + (index + 1) + ' has no "text" string.');
    });
  }

  /** The non-blank texts of a file, in file order; throws an Error whose message is shown as text. */
  function textsOf(name, content) {
    const extension = (/\.([a-z0-9]+)$/i.exec(name) || [])[1];
    const kind = (extension || '').toLowerCase();
    let texts;
    if (kind === 'csv') texts = fromCsv(content);
    else if (kind === 'jsonl') texts = fromJsonl(content);
    else if (kind === 'txt') texts = content.split(/\r?\n/);
    else throw new Error('Unsupported file type: choose a .txt, .csv or .jsonl file.');
    texts = texts.filter((text) => text.trim() !== '');
    if (texts.length === 0) throw new Error('The file holds no text.');
    if (texts.length > MAX_FILE_TEXTS) throw new Error('The file holds ' + texts.length + ' texts; at most ' + MAX_FILE_TEXTS + ' per file.');
    return texts;
  }

  async function readFile(file) {
    if (file.size > MAX_FILE_BYTES) throw new Error('The file is larger than 5 MB.');
    return textsOf(file.name, await file.text());
  }

  window.sentimentOpsUpload = { textsOf, readFile };
})();
