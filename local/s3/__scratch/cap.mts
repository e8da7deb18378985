import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { S3Client, PutObjectCommand, ListObjectsV2Command, CompleteMultipartUploadCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c)).on('end', () => {
    console.log(req.method, req.url, JSON.stringify(req.headers), JSON.stringify(Buffer.concat(chunks).toString('latin1')));
    res.setHeader('etag', '"abc"'); res.end('<ListBucketResult></ListBucketResult>');
  });
}).listen(0, '127.0.0.1');
await new Promise(r => server.once('listening', r));
const port = (server.address() as any).port;
const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'a b/c(1)!.txt', Body: Buffer.from('hello'), ContentType: 'text/plain' }));
await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'stream.txt', Body: Readable.from([Buffer.from('hello')]), ContentLength: 5 }));
await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'stream2.txt', Body: Readable.from([Buffer.from('hello')]) })).catch(e => console.log('ERR', e.message));
await s3.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'a b/' })).catch(e => console.log('ERR', e.message));
console.log(await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k/x y.png', ContentType: 'image/png', ContentLength: 5, ChecksumSHA256: 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' }), { expiresIn: 900, signableHeaders: new Set(['content-type', 'content-length']) }));
console.log(await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k/x y.png', ContentType: 'image/png' }), { expiresIn: 900 }));
s3.destroy(); server.close();
