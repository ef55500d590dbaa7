// A note as a file: PDF (pdfkit), Word (docx) and Markdown. Every piece of text is written as
// text, never interpreted: no HTML, no Markdown rendering, no links, so hostile text in jottings
// or in the model's output stays inert. The labels come from the caller (the catalogs).
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import PDFDocument from 'pdfkit'
import { noteAsMarkdown, toPlainText, type PlainNote } from '#server/contract/note-text.ts'

export interface ExportLabels {
  title: string
  clinic: string
  patientRef: string
  sessionDate: string
  sessionKind: string
  duration: string
  template: string
  signature: string
  notSigned: string
  amended: string
}

export interface ExportNote {
  clinicName: string
  patientRef: string
  /** Already worded for the reader (date, kind, minutes). */
  sessionDate: string
  sessionKind: string
  duration: string
  templateName: string
  sections: Array<{ title: string; content: string }>
  /** "Signed by … on … · sha256 …", or null for a draft. */
  signature: string | null
  amended: string | null
}

// XML 1.0 (Word) and the PDF standard fonts cannot carry these.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/g
// Windows-1252, what the PDF standard fonts can draw; anything else becomes "?".
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'
function forPdf(text: string): string {
  return [...text.replace(XML_INVALID, '')]
    .map((ch) => {
      const code = ch.codePointAt(0)!
      if (ch === '\n' || ch === '\t') return ch
      if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.includes(ch))
        return ch
      return '?'
    })
    .join('')
}

function plainNote(note: ExportNote, labels: ExportLabels): PlainNote {
  return {
    heading: `${labels.title}: ${note.patientRef}`,
    meta: [
      `${labels.clinic}: ${note.clinicName}`,
      `${labels.patientRef}: ${note.patientRef}`,
      `${labels.sessionDate}: ${note.sessionDate}`,
      `${labels.sessionKind}: ${note.sessionKind}`,
      `${labels.duration}: ${note.duration}`,
      `${labels.template}: ${note.templateName}`,
    ],
    sections: note.sections,
    signature: [note.signature ?? labels.notSigned, note.amended].filter(Boolean).join('\n'),
  }
}

export function noteMarkdown(note: ExportNote, labels: ExportLabels): string {
  return noteAsMarkdown(plainNote(note, labels))
}

export function notePdf(note: ExportNote, labels: ExportLabels): Promise<Buffer> {
  const plain = plainNote(note, labels)
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: forPdf(plain.heading), Producer: 'ClinAI', Creator: 'ClinAI' },
    })
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.font('Helvetica-Bold').fontSize(16).text(forPdf(note.clinicName))
    doc.moveDown(0.3).fontSize(13).text(forPdf(plain.heading))
    doc.moveDown(0.5).font('Helvetica').fontSize(10)
    for (const line of plain.meta.slice(1)) doc.text(forPdf(line))
    for (const section of plain.sections) {
      doc.moveDown(1).font('Helvetica-Bold').fontSize(12).text(forPdf(section.title))
      doc.moveDown(0.3).font('Helvetica').fontSize(10.5)
      doc.text(forPdf(toPlainText(section.content) || '-'), { lineGap: 2 })
    }
    doc.moveDown(2).font('Helvetica').fontSize(10)
    doc.text('_'.repeat(45))
    doc.text(forPdf(plain.signature ?? ''))
    doc.end()
  })
}

export function noteDocx(note: ExportNote, labels: ExportLabels): Promise<Buffer> {
  const plain = plainNote(note, labels)
  const clean = (text: string) => text.replace(XML_INVALID, '')
  const lines = (text: string) =>
    clean(text)
      .split('\n')
      .map((line) => new Paragraph({ children: [new TextRun(line)] }))
  const doc = new Document({
    creator: 'ClinAI',
    title: clean(plain.heading),
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(clean(note.clinicName))] }),
          new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(clean(plain.heading))] }),
          ...plain.meta.slice(1).flatMap(lines),
          ...plain.sections.flatMap((section) => [
            new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(clean(section.title))] }),
            ...lines(toPlainText(section.content) || '-'),
          ]),
          new Paragraph({ children: [new TextRun('')] }),
          new Paragraph({ children: [new TextRun('_'.repeat(45))] }),
          ...lines(plain.signature ?? ''),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}
