// A small HTTP client for tests: real fetch against the real server, with the API's auth header.

/** Tests read the API's JSON freely: the server's schemas, not this type, are what is under test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Result {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (for malformed-JSON tests); overrides `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A request in flight: await it for any status, or `.expect(status)` to fail loudly on another one. */
export class Call implements PromiseLike<Result> {
  constructor(private readonly result: Promise<Result>) {}

  then<A = Result, B = never>(
    onFulfilled?: ((value: Result) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return this.result.then(onFulfilled, onRejected);
  }

  async expect(status: number): Promise<Result> {
    const result = await this.result;
    if (result.status !== status) {
      throw new Error(`expected HTTP ${status}, got ${result.status}: ${result.text.slice(0, 500)}`);
    }
    return result;
  }
}

export class Api {
  constructor(
    readonly url: string,
    readonly token?: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  withHeaders(headers: Record<string, string>): Api {
    return new Api(this.url, this.token, { ...this.defaultHeaders, ...headers });
  }

  get(path: string, options?: RequestOptions): Call {
    return this.request('GET', path, options);
  }

  post(path: string, body?: unknown, options?: RequestOptions): Call {
    return this.request('POST', path, { ...options, body });
  }

  patch(path: string, body?: unknown, options?: RequestOptions): Call {
    return this.request('PATCH', path, { ...options, body });
  }

  delete(path: string, options?: RequestOptions): Call {
    return this.request('DELETE', path, options);
  }

  request(method: string, path: string, options: RequestOptions = {}): Call {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    if (this.token) headers.authorization ??= `Token ${this.token}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return new Call(
      fetch(`${this.url}${path}`, { method, headers, ...(body !== undefined && { body }) }).then(async (response) => {
        const text = await response.text();
        return { status: response.status, body: parseJson(text), text, headers: response.headers };
      }),
    );
  }

  async login(username: string, password: string): Promise<Api> {
    const { body } = await this.post('/api/auth/token/', { username, password }).expect(200);
    return new Api(this.url, body.token as string);
  }
}

function parseJson(text: string): Json {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
