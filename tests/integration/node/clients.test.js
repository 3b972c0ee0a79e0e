// corvid through the two main Node.js clients, ioredis and node-redis: commands, pipelines, transactions,
// pub/sub, keyspace notifications and (node-redis, RESP3) client-side caching.
// CORVID_SERVER names the server binary; each run starts its own server on a free loopback port.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Redis = require('ioredis');
const { createClient } = require('redis');

const SERVER = process.env.CORVID_SERVER || path.join(__dirname, '../../../build/src/corvid-server');
let server;
let port;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

// Resolves once the server answers PING (bounded by the test runner's own timeout).
async function waitReady() {
  for (;;) {
    try {
      const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: null, maxRetriesPerRequest: 0 });
      await r.connect();
      await r.ping();
      r.disconnect();
      return;
    } catch (e) {
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

// Waits for a promise-returning predicate to become true (polling, bounded).
async function eventually(fn, limitMs = 10000) {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((res) => setTimeout(res, 20));
  }
}

before(async () => {
  port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corvid-node-'));
  server = spawn(SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
                 { stdio: 'ignore' });
  await waitReady();
});

after(() => {
  if (server) server.kill('SIGTERM');
});

function ioredis() {
  return new Redis({ port, host: '127.0.0.1' });
}

test('ioredis: strings, hashes, lists, sorted sets', async () => {
  const r = ioredis();
  try {
    await r.flushall();
    assert.equal(await r.set('s', 'v'), 'OK');
    assert.equal(await r.get('s'), 'v');
    assert.equal(await r.incrby('n', 5), 5);
    assert.equal(await r.incrbyfloat('f', '1.5'), '1.5');
    await r.hset('h', { a: '1', b: '2' });
    assert.deepEqual(await r.hgetall('h'), { a: '1', b: '2' });
    await r.rpush('l', 'x', 'y', 'z');
    assert.deepEqual(await r.lrange('l', 0, -1), ['x', 'y', 'z']);
    await r.zadd('z', 2, 'b', 1, 'a', 3.5, 'c');
    assert.deepEqual(await r.zrange('z', 0, -1, 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3.5']);
    assert.equal(await r.zscore('z', 'c'), '3.5');
    assert.equal(await r.type('z'), 'zset');
  } finally {
    r.disconnect();
  }
});

test('ioredis: pipeline, MULTI/EXEC and WATCH', async () => {
  const r = ioredis();
  const other = ioredis();
  try {
    await r.flushall();
    const res = await r.pipeline().set('p', '1').incr('p').get('p').exec();
    assert.deepEqual(res, [[null, 'OK'], [null, 2], [null, '2']]);
    const tx = await r.multi().set('t', 'a').append('t', 'b').get('t').exec();
    assert.deepEqual(tx, [[null, 'OK'], [null, 2], [null, 'ab']]);
    await r.watch('w');
    await other.set('w', 'changed');
    const aborted = await r.multi().set('w', 'mine').exec();
    assert.equal(aborted, null);
    assert.equal(await r.get('w'), 'changed');
    // A command error inside EXEC does not roll back the others.
    const mixed = await r.multi().set('m', '1').lpush('m', 'x').exec();
    assert.equal(mixed[0][1], 'OK');
    assert.match(String(mixed[1][0]), /WRONGTYPE/);
  } finally {
    r.disconnect();
    other.disconnect();
  }
});

test('ioredis: subscribe, psubscribe and keyspace notifications', async () => {
  const sub = ioredis();
  const pub = ioredis();
  try {
    await pub.flushall();
    const got = [];
    sub.on('message', (ch, msg) => got.push(['message', ch, msg]));
    sub.on('pmessage', (pat, ch, msg) => got.push(['pmessage', pat, ch, msg]));
    await sub.subscribe('news');
    await sub.psubscribe('__keyspace@0__:*');
    await pub.config('SET', 'notify-keyspace-events', 'K$l');
    assert.equal(await pub.publish('news', 'hello'), 1);
    await pub.set('k', 'v');
    await pub.rpush('q', 'job');
    await eventually(async () => got.length >= 3);
    assert.deepEqual(got, [
      ['message', 'news', 'hello'],
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:k', 'set'],
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:q', 'rpush'],
    ]);
    assert.deepEqual(await pub.pubsub('NUMSUB', 'news'), ['news', 1]);
  } finally {
    await pub.config('SET', 'notify-keyspace-events', '');
    sub.disconnect();
    pub.disconnect();
  }
});

test('ioredis: scanStream visits every key', async () => {
  const r = ioredis();
  try {
    await r.flushall();
    const pipe = r.pipeline();
    for (let i = 0; i < 500; i++) pipe.set(`scan:${i}`, i);
    await pipe.exec();
    const seen = new Set();
    await new Promise((resolve, reject) => {
      const s = r.scanStream({ match: 'scan:*', count: 50 });
      s.on('data', (keys) => keys.forEach((k) => seen.add(k)));
      s.on('end', resolve);
      s.on('error', reject);
    });
    assert.equal(seen.size, 500);
  } finally {
    r.disconnect();
  }
});

test('node-redis: commands, transactions and pub/sub', async () => {
  const url = `redis://127.0.0.1:${port}`;
  const c = createClient({ url });
  const sub = c.duplicate();
  await c.connect();
  await sub.connect();
  try {
    await c.flushAll();
    await c.set('a', '1');
    assert.equal(await c.get('a'), '1');
    await c.hSet('h', { f: 'v' });
    assert.deepEqual({ ...(await c.hGetAll('h')) }, { f: 'v' });
    const res = await c.multi().incr('a').incr('a').exec();
    assert.deepEqual(res, [2, 3]);
    const got = [];
    await sub.subscribe('chan', (msg, ch) => got.push([ch, msg]));
    assert.equal(await c.publish('chan', 'payload'), 1);
    await eventually(async () => got.length >= 1);
    assert.deepEqual(got, [['chan', 'payload']]);
    await sub.unsubscribe('chan');
  } finally {
    await sub.quit();
    await c.quit();
  }
});

test('node-redis: RESP3 client-side caching sees invalidations', async () => {
  const url = `redis://127.0.0.1:${port}`;
  const cached = createClient({ url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
  const writer = createClient({ url });
  await cached.connect();
  await writer.connect();
  try {
    await writer.set('csc', 'one');
    assert.equal(await cached.get('csc'), 'one');
    assert.equal(await cached.get('csc'), 'one');  // served from the local cache
    await writer.set('csc', 'two');                // the server sends an invalidation push
    assert.equal(await eventually(async () => (await cached.get('csc')) === 'two'), true);
    const info = await writer.sendCommand(['INFO', 'clients']);
    assert.match(String(info), /tracking_clients:1/);
  } finally {
    await cached.quit();
    await writer.quit();
  }
});
