// The official TypeScript MCP client 2.x (npm @modelcontextprotocol/client, pinned in
// package.json) pinned to protocol 2026-07-28 against the live endpoint, driven by
// tests/mcp/test_ts_client_2026.py. In (stdin, one JSON object): {"server", "token", "practice"}.
// Out (stdout, one JSON object): what the client negotiated, listed, called and read, and the
// MCP headers of every request it sent.

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const sent = [];
async function recordingFetch(url, init) {
  const headers = new Headers(init?.headers);
  sent.push({
    version: headers.get('mcp-protocol-version'),
    method: headers.get('mcp-method'),
    name: headers.get('mcp-name'),
  });
  return fetch(url, init);
}

const transport = new StreamableHTTPClientTransport(new URL(input.server), {
  requestInit: { headers: { Authorization: `Bearer ${input.token}` } },
  fetch: recordingFetch,
});
const client = new Client(
  { name: 'haresign-test', version: '1.0.0' },
  { versionNegotiation: { mode: { pin: '2026-07-28' } } },
);
await client.connect(transport);
const tools = await client.listTools();
const mine = await client.callTool({ name: 'list_my_practices', arguments: {} });
const workforce = await client.callTool({
  name: 'get_workforce', arguments: { practice: input.practice },
});
const catalogue = await client.readResource({ uri: 'haresign://catalogue/metrics' });
const summary = {
  version: client.getNegotiatedProtocolVersion(),
  era: client.getProtocolEra(),
  server: client.getServerVersion(),
  supported: client.getDiscoverResult()?.supportedVersions,
  tools: tools.tools.map((t) => [t.name, t.title, t.annotations?.readOnlyHint, t.icons?.length]),
  mine: mine.structuredContent,
  workforce: { isError: workforce.isError, practice: workforce.structuredContent?.practice?.code },
  metrics: JSON.parse(catalogue.contents[0].text).metrics.length,
  sent,
};
await client.close();
process.stdout.write(JSON.stringify(summary) + '\n');
