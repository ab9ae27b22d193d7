// The official TypeScript MCP client (npm @modelcontextprotocol/sdk, pinned in package.json)
// against the live endpoint, driven by tests/mcp/test_ts_client.py.
//
// Line protocol over stdin/stdout, one JSON object a line:
//   in:  {"server": "<base>/mcp", "calls": [{"name", "arguments"}...], "probe": {"name", "arguments"}}
//   out: {"authorize": "<url>"}  ->  in: the callback URL the browser was sent to (a plain line)
//   out: {"summary": {...}}      (last line; the process then exits 0)
// The SDK's own machinery does everything: discovery, registration, PKCE, the code exchange,
// calls, and the two concurrent refreshes (auth() on two hosts holding the same refresh token).

import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const CALLBACK = 'http://127.0.0.1:9/oauth/callback';
const DEADLINE_MS = 240_000; // a hung step ends the driver, so pytest sees EOF, never a hang

setTimeout(() => fail(new Error(`driver gave up after ${DEADLINE_MS} ms`)), DEADLINE_MS).unref();

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function readLine() {
  const { value, done } = await lines.next();
  if (done) throw new Error('stdin closed');
  return value;
}

/** Write one line, resolving once it is flushed (a pipe is written asynchronously). */
function send(message) {
  return new Promise((resolve) => process.stdout.write(JSON.stringify(message) + '\n', resolve));
}

function fail(error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
}

// Every HTTP request the SDK makes (its transport's and its auth code's), for the test to check.
const requests = [];
let phase = 'connect';

async function loggedFetch(url, init = {}) {
  const response = await fetch(url, init);
  const entry = { phase, method: init.method ?? 'GET', path: new URL(url).pathname, status: response.status };
  if (init.body instanceof URLSearchParams) {
    entry.grant_type = init.body.get('grant_type');
    entry.resource = init.body.get('resource');
  }
  requests.push(entry);
  return response;
}

/** One host's OAuth state, kept in memory; a twin shares the registration and tokens. */
class Host {
  constructor(name) {
    this.name = name;
    this.client = this.saved = this.verifier = this.discovery = undefined;
    this.expectedState = undefined;
    this.callback = undefined;
    this.interactive = true;
  }

  twin(name) {
    const other = new Host(name);
    Object.assign(other, { client: this.client, saved: this.saved, discovery: this.discovery });
    other.interactive = false;
    return other;
  }

  get redirectUrl() {
    return CALLBACK;
  }

  get clientMetadata() {
    return {
      client_name: 'TypeScript SDK under test',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none'
    };
  }

  state() {
    this.expectedState = randomBytes(16).toString('hex');
    return this.expectedState;
  }

  clientInformation() {
    return this.client;
  }

  saveClientInformation(info) {
    this.client = info;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens) {
    this.saved = tokens;
  }

  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }

  codeVerifier() {
    return this.verifier;
  }

  saveDiscoveryState(state) {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery;
  }

  async redirectToAuthorization(url) {
    if (!this.interactive) throw new Error(`${this.name} was sent to sign in again: ${url}`);
    await send({ authorize: url.href });
    this.callback = new URL(await readLine());
  }
}

function transportFor(server, host) {
  return new StreamableHTTPClientTransport(new URL(server), { authProvider: host, fetch: loggedFetch });
}

async function connect(server, host) {
  const client = new Client({ name: 'haresign-ts-e2e', version: '1.0.0' });
  const transport = transportFor(server, host);
  await client.connect(transport);
  return { client, transport };
}

async function call(client, { name, arguments: args }) {
  try {
    const result = await client.callTool({ name, arguments: args });
    return { name, isError: result.isError ?? false, structuredContent: result.structuredContent ?? null, content: result.content };
  } catch (error) {
    return { name, thrown: String(error) }; // e.g. the SDK's output-schema validation
  }
}

async function signIn(server, host) {
  const first = transportFor(server, host);
  const client = new Client({ name: 'haresign-ts-e2e', version: '1.0.0' });
  try {
    await client.connect(first);
    throw new Error('connected without authorisation');
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const params = host.callback.searchParams;
  if (params.get('state') !== host.expectedState) throw new Error('state does not round-trip');
  await first.finishAuth(params.get('code'));
  await first.close();
  return { iss: params.get('iss'), tokenType: host.saved.token_type, scope: host.saved.scope };
}

async function main() {
  const plan = JSON.parse(await readLine());
  const alpha = new Host('alpha');
  const authorisation = await signIn(plan.server, alpha);

  phase = 'calls';
  const { client, transport } = await connect(plan.server, alpha);
  const protocolVersion = transport.protocolVersion;
  const listed = (await client.listTools()).tools.map((tool) => tool.name);
  const calls = [];
  for (const planned of plan.calls) calls.push(await call(client, planned));

  phase = 'refresh';
  alpha.interactive = false; // a failed refresh must fail here, not end in a new sign-in
  const before = alpha.saved;
  const beta = alpha.twin('beta');
  const outcomes = await Promise.allSettled(
    [alpha, beta].map((host) => auth(host, { serverUrl: plan.server, fetchFn: loggedFetch }))
  );

  phase = 'after';
  const alphaAfter = await call(client, plan.probe); // the open connection, on alpha's new token
  const second = await connect(plan.server, beta);
  const betaAfter = await call(second.client, plan.probe);
  await second.client.close();
  await client.close();

  await send({
    summary: {
      authorisation,
      registered: { client_id: alpha.client.client_id },
      protocolVersion,
      listed,
      calls,
      refresh: {
        outcomes: outcomes.map((o) => (o.status === 'fulfilled' ? o.value : `rejected: ${o.reason}`)),
        before: { access_token: before.access_token, refresh_token: before.refresh_token },
        alpha: { access_token: alpha.saved.access_token, refresh_token: alpha.saved.refresh_token },
        beta: { access_token: beta.saved.access_token, refresh_token: beta.saved.refresh_token }
      },
      after: { alpha: alphaAfter, beta: betaAfter },
      requests
    }
  });
  process.exit(0);
}

main().catch(fail);
