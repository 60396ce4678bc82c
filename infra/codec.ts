import { gunzipSync, gzipSync } from 'node:zlib';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';

/**
 * Payloads larger than this are gzipped before they leave the process. A national campaign's input (the whole
 * unit tree, ~62,000 units) is several MB of JSON, above Temporal's 2 MB payload limit and the 4 MB gRPC message
 * limit; gzipped it is a tenth of that. A province's progress report to the campaign carries up to 500 overdue
 * units (≈ 27 KB of JSON, ≈ 3 KB gzipped): at 64 KiB they stayed plain, and in the national reminder storm the
 * root's history reached 8.9 MB in 689 events. Smaller payloads stay plain JSON, readable in the UI and by clients
 * without this codec.
 */
export const GZIP_THRESHOLD_BYTES = 8 * 1024;

export const GZIP_ENCODING = 'binary/gzip';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Where the wrapped payload keeps the encoding it had before compression. */
const ORIGINAL_ENCODING = 'gzip-original-encoding';

function encodingOf(payload: Payload): string | undefined {
  const raw = payload.metadata?.encoding;
  return raw ? decoder.decode(raw) : undefined;
}

/**
 * The data is compressed and the metadata kept, its encoding moved aside, so decoding restores the payload exactly.
 * Decoding passes through any payload not of this encoding: histories recorded before the codec existed, and small
 * payloads, replay as they are.
 */
export const gzipCodec: PayloadCodec = {
  async encode(payloads) {
    return payloads.map((payload) => {
      if ((payload.data?.byteLength ?? 0) < GZIP_THRESHOLD_BYTES) return payload;
      const { encoding, ...rest } = payload.metadata ?? {};
      return {
        metadata: { ...rest, ...(encoding ? { [ORIGINAL_ENCODING]: encoding } : {}), encoding: encoder.encode(GZIP_ENCODING) },
        data: gzipSync(payload.data!),
      };
    });
  },
  async decode(payloads) {
    return payloads.map((payload) => {
      if (encodingOf(payload) !== GZIP_ENCODING || !payload.data) return payload;
      const { [ORIGINAL_ENCODING]: original, encoding: _gzip, ...rest } = payload.metadata ?? {};
      return { metadata: { ...rest, ...(original ? { encoding: original } : {}) }, data: gunzipSync(payload.data) };
    });
  },
};

/** The data converter of every danvan client and worker: both ends must agree on it. */
export const dataConverter: DataConverter = { payloadCodecs: [gzipCodec] };
