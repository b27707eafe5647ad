/** Callers as a real operator, provider or back-office user would be: signed JSON over HTTP. */
import { signBody } from '../../src/domain/signing';

export interface HttpAnswer {
  status: number;
  body: any;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, body: parsed };
}

/** An operator (`agentID`) or a provider (`providerID`) calling us with its secret. */
export class SignedClient {
  constructor(
    readonly baseUrl: string,
    readonly callerField: 'agentID' | 'providerID',
    readonly callerId: string,
    public secretKey: string,
  ) {}

  body(fields: Record<string, unknown>, timestamp?: number): Record<string, unknown> {
    return signBody(
      this.secretKey,
      { [this.callerField]: this.callerId, ...fields },
      timestamp ?? Math.floor(Date.now() / 1000),
    );
  }

  async call(path: string, fields: Record<string, unknown> = {}): Promise<any> {
    const answer = await postJson(this.baseUrl + path, this.body(fields));
    if (answer.status !== 200)
      throw new Error(`${path} answered HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<AdminClient> {
    const answer = await postJson(`${baseUrl}/admin/v1/login`, { username, password });
    if (answer.status !== 200) throw new Error(`login failed: ${JSON.stringify(answer.body)}`);
    return new AdminClient(baseUrl, answer.body.token as string);
  }

  post(path: string, body: unknown = {}): Promise<HttpAnswer> {
    return postJson(this.baseUrl + path, body, { authorization: `Bearer ${this.token}` });
  }

  async ok(path: string, body: unknown = {}): Promise<any> {
    const answer = await this.post(path, body);
    if (answer.status !== 200 || answer.body.code !== 0)
      throw new Error(`${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async createOperator(
    agentID: string,
    currencies: string[] = ['EUR', 'USD', 'JPY', 'KWD'],
    extra: Record<string, unknown> = {},
  ): Promise<SignedClient> {
    const created = await this.ok('/admin/v1/operators/create', {
      agentID,
      name: `Operator ${agentID}`,
      currencies,
      ...extra,
    });
    return new SignedClient(this.baseUrl, 'agentID', agentID, created.secretKey as string);
  }

  async createProvider(providerID: string): Promise<SignedClient> {
    const created = await this.ok('/admin/v1/providers/create', { providerID, name: `Studio ${providerID}` });
    return new SignedClient(this.baseUrl, 'providerID', providerID, created.secretKey as string);
  }
}
