// Sealing a pseudonym mapping for the database: AES-256-GCM (node:crypto) with a fresh 96-bit IV per
// write and the row's identity (clinic, conversation or note) as associated data, so a sealed value
// copied onto another row does not open. Several keys may be configured (PSEUDONYM_KEY, comma-
// separated): the first seals, any opens, so a key can be rotated; each sealed value names its key
// by a short fingerprint, never the key itself.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

const VERSION = 'v1'

export interface MappingKey {
  id: string
  key: Buffer
}

/** A 32-byte key given as 64 hex digits or base64. Throws on anything else. */
export function parseKey(value: string): MappingKey {
  const trimmed = value.trim()
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64')
  if (key.length !== 32) throw new Error('a pseudonym key must be 32 bytes (64 hex digits or base64)')
  const id = createHash('sha256').update(key).digest('hex').slice(0, 8)
  return { id, key }
}

export class MappingSealer {
  private readonly keys: MappingKey[]

  constructor(keys: string[]) {
    if (keys.length === 0) throw new Error('at least one pseudonym key is needed')
    this.keys = keys.map(parseKey)
  }

  seal(plaintext: string, associatedData: string): string {
    const { id, key } = this.keys[0]!
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(associatedData, 'utf8'))
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [
      VERSION,
      id,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      sealed.toString('base64'),
    ].join('.')
  }

  /** The plaintext; throws when the value was altered, moved to another row or sealed with an unknown key. */
  open(value: string, associatedData: string): string {
    const [version, id, iv, tag, sealed] = value.split('.')
    if (version !== VERSION || !id || !iv || !tag || sealed === undefined)
      throw new Error('not a sealed mapping')
    const key = this.keys.find((candidate) => candidate.id === id)
    if (!key) throw new Error('sealed with a key that is not configured')
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64'))
    decipher.setAAD(Buffer.from(associatedData, 'utf8'))
    decipher.setAuthTag(Buffer.from(tag, 'base64'))
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8')
  }
}
