import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAnthropicCountTokens, handleAnthropicMessages } from './anthropicProtocol';
import type { EmulatedProtocol, Emulator, EmulatorOptions, EmulatorReply, Match, RecordedRequest } from './emulatorTypes';
import { sendJson, type Exchange } from './exchange';
import { handleOllamaChat, handleOllamaGenerate, handleOllamaShow, handleOllamaTags } from './ollamaProtocol';
import { handleOpenAIEmbeddings } from './embeddingsProtocol';
import { handleOpenAIChat, handleOpenAIModels } from './openaiProtocol';
import { handleOpenAICompletions, handleOpenAIResponses } from './responsesProtocol';
import { ReplyScript } from './replyScript';
import { resetByEmulator } from './replyWriter';

export type * from './emulatorTypes';

type Handler = (x: Exchange) => void | Promise<void>;

/** Method + path -> protocol and handler. Ollama's OpenAI-compatible `/v1` is the OpenAI handler on the same server. */
const ROUTES: Record<string, { protocol: EmulatedProtocol; handle: Handler }> = {
  'POST /v1/chat/completions': { protocol: 'openai', handle: handleOpenAIChat },
  'POST /v1/responses': { protocol: 'openai', handle: handleOpenAIResponses },
  'POST /v1/completions': { protocol: 'openai', handle: handleOpenAICompletions },
  'POST /v1/embeddings': { protocol: 'openai', handle: handleOpenAIEmbeddings },
  'GET /v1/models': { protocol: 'openai', handle: handleOpenAIModels },
  'POST /v1/messages': { protocol: 'anthropic', handle: handleAnthropicMessages },
  'POST /v1/messages/count_tokens': { protocol: 'anthropic', handle: handleAnthropicCountTokens },
  'POST /api/chat': { protocol: 'ollama', handle: handleOllamaChat },
  'POST /api/generate': { protocol: 'ollama', handle: handleOllamaGenerate },
  'GET /api/tags': { protocol: 'ollama', handle: handleOllamaTags },
  'POST /api/show': { protocol: 'ollama', handle: handleOllamaShow },
};

const CONTROL_PREFIX = '/__emulator/';
/** `/client/<name>/v1/...` is `/v1/...` recorded as sent by `<name>`: two tools share one emulator with separate logs. */
const CLIENT_PREFIX = /^\/client\/([A-Za-z0-9_.-]+)(\/.*)$/;

const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;

function splitClient(pathname: string): { path: string; client?: string } {
  const m = CLIENT_PREFIX.exec(pathname);
  return m ? { path: m[2], client: m[1] } : { path: pathname };
}

/** Starts the loopback provider emulator (port 0 = any free port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const script = new ReplyScript();
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `emulator bug: ${String(error)}`, type: 'server_error' } });
      else res.destroy();
    });
  });
  // A streamed answer may legitimately take long; keep-alive sockets must not linger after close().
  server.keepAliveTimeout = 1000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const { path, client } = splitClient(url.pathname);
    const raw = await readBody(req);
    if (path.startsWith(CONTROL_PREFIX)) return control(req.method ?? 'GET', path.slice(CONTROL_PREFIX.length), raw, res);

    // Azure OpenAI names the deployment in the path: `/openai/deployments/<name>/chat/completions?api-version=…`.
    const azure = AZURE_PATH.exec(path);
    const route = ROUTES[azure ? `${req.method} /v1/${azure[2]}` : `${req.method} ${path}`];
    if (!route)
      return sendJson(res, 404, { error: { message: `The emulator does not serve ${req.method} ${path}`, type: 'invalid_request_error' } });
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, {
          error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' },
        });
      }
    }
    if (azure && typeof body.model !== 'string') body.model = azure[1];
    const apiVersion = url.searchParams.get('api-version') ?? undefined;
    const record: RecordedRequest = {
      ...(client === undefined ? {} : { client }),
      ...(azure && apiVersion ? { apiVersion } : {}),
      protocol: route.protocol,
      method: req.method ?? 'GET',
      path,
      model: typeof body.model === 'string' ? body.model : undefined,
      body,
      headers: { ...req.headers },
      stream: route.protocol === 'ollama' ? path === '/api/chat' && body.stream !== false : body.stream === true,
      closedByClient: false,
    };
    requests.push(record);
    res.once('close', () => {
      // Closed before the response finished, and not by the emulator's own reset fault: the client went away.
      if (!res.writableFinished && !resetByEmulator.has(req.socket)) record.closedByClient = true;
    });
    // Azure answers a deployment call without `api-version` with 404 Resource not found, before anything else.
    if (azure && !apiVersion) return sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } });
    await route.handle({ req, res, path, body, record, script, options });
  }

  function control(method: string, action: string, raw: string, res: ServerResponse): void {
    let payload: { reply?: EmulatorReply; match?: Match };
    try {
      payload = raw ? JSON.parse(raw) : {};
    } catch {
      return sendJson(res, 400, { error: 'control body is not JSON' });
    }
    switch (`${method} ${action}`) {
      case 'POST enqueue':
        if (!payload.reply) return sendJson(res, 400, { error: 'enqueue needs {reply, match?}' });
        script.enqueue(payload.reply, payload.match);
        return sendJson(res, 200, { ok: true });
      case 'POST rule':
        if (!payload.reply || !payload.match) return sendJson(res, 400, { error: 'rule needs {match, reply}' });
        script.rule(payload.match, payload.reply);
        return sendJson(res, 200, { ok: true });
      case 'POST reset':
        script.reset();
        requests.length = 0;
        return sendJson(res, 200, { ok: true });
      case 'GET requests':
        return sendJson(res, 200, requests);
      default:
        return sendJson(res, 404, { error: `unknown control call ${method} ${CONTROL_PREFIX}${action}` });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    ollamaBaseUrl: url,
    enqueue: (reply, match) => script.enqueue(reply, match),
    rule: (match, reply) => script.rule(match, reply),
    reset: () => {
      script.reset();
      requests.length = 0;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled streams and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
