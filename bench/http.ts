import http from 'node:http';

/**
 * A keep-alive JSON client with no timeouts of its own: a deployment at national size answers after minutes, longer
 * than fetch's default header timeout.
 */
export function jsonClient(baseUrl: string, token: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  return (path: string, body: unknown, idempotencyKey: string): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
            authorization: `Bearer ${token}`,
            'idempotency-key': idempotencyKey,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 300) reject(new Error(`${path}: HTTP ${status} ${text.slice(0, 300)}`));
            else resolve({ status, body: text ? JSON.parse(text) : undefined });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}
