// A SMART on FHIR authorization server for tests/auth/test-smart.c:
// oidc-provider (an independent OAuth 2.0 / OpenID Connect implementation)
// over HTTPS on 127.0.0.1, with
//  - one public client (no secret, PKCE S256 required, native loopback
//    redirect http://127.0.0.1:<any port>/callback as RFC 8252 allows),
//  - one account, signed in and consenting automatically (the test plays a
//    browser that only follows redirects),
//  - `patient` added to every token response and `fhirUser` in the ID token,
//  - <issuer>/fhir/.well-known/smart-configuration,
//  - optionally (tests/ui/test-account-setup.c) a FHIR server behind
//    <issuer>/fhir: requests are passed on to UPSTREAM (an https FHIR base
//    such as medkarta-test-server's, trusted through UPSTREAM_CA.pem) as a
//    clinic's resource server would: metadata is open, everything else needs
//    an access token this provider issued and that is still valid.
//    UPSTREAM's own address in answers (links, fullUrl, Location) is
//    rewritten to <issuer>/fhir, so clients only ever see one server.
//
// Usage: node smart-server.mjs CERT.pem KEY.pem CLIENT_ID PATIENT_ID [UPSTREAM UPSTREAM_CA.pem]
// Prints "listening on https://127.0.0.1:PORT/fhir" when ready.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import Provider from 'oidc-provider';

const [certFile, keyFile, clientId, patient, upstream, upstreamCaFile] = process.argv.slice(2);
process.stdout.on('error', () => {}); // the test may stop reading
const ACCOUNT = 'demo-patient';
const SCOPES = ['openid', 'fhirUser', 'offline_access', 'launch/patient',
  'patient/*.read', 'patient/*.write', 'user/*.*'];

const server = https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
server.listen(0, '127.0.0.1', () => {
  const issuer = `https://127.0.0.1:${server.address().port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    }],
    jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: SCOPES,
    claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
    conformIdTokenClaims: false,
    extraParams: ['aud'],
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (ctx, sub) => (sub !== ACCOUNT ? undefined : {
      accountId: ACCOUNT,
      claims: async () => ({ sub: ACCOUNT, fhirUser: `Patient/${patient}` }),
    }),
  });

  // SMART: the launch context rides along in the token response.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.access_token) {
      ctx.body.patient = patient;
    }
  });

  // The interaction pages: sign the account in and grant what is asked.
  async function interact(req, res) {
    const details = await provider.interactionDetails(req, res);
    let result;
    if (details.prompt.name === 'login') {
      result = { login: { accountId: ACCOUNT } };
    } else {
      const missing = details.prompt.details;
      const grant = new provider.Grant({ accountId: ACCOUNT, clientId: details.params.client_id });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  const smartConfiguration = JSON.stringify({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    revocation_endpoint: `${issuer}/token/revocation`,
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: SCOPES,
    response_types_supported: ['code'],
    capabilities: ['launch-standalone', 'client-public', 'context-standalone-patient',
      'permission-offline', 'permission-patient', 'sso-openid-connect', 'authorize-code'],
  });

  // The FHIR server behind <issuer>/fhir, when there is one.
  const upstreamCa = upstream ? readFileSync(upstreamCaFile) : undefined;
  const rewrite = (text) => text.split(upstream).join(`${issuer}/fhir`);

  async function proxy(req, res) {
    const rest = req.url.slice('/fhir'.length);
    const open = rest === '' || rest.startsWith('?') || rest === '/' || /^\/metadata(\?|$)/.test(rest);
    const bearer = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!open && !(bearer && await provider.AccessToken.find(bearer[1]))) {
      res.writeHead(401, {
        'Content-Type': 'application/fhir+json',
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      }).end(JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'login', diagnostics: 'Unauthorized' }],
      }));
      return;
    }

    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = { ...req.headers, 'accept-encoding': 'identity' };
    delete headers.host;
    delete headers.authorization;
    delete headers.connection;
    const answer = await new Promise((resolve, reject) => {
      const forward = https.request(`${upstream}${rest}`, { method: req.method, headers, ca: upstreamCa },
        (response) => {
          const parts = [];
          response.on('data', (part) => parts.push(part));
          response.on('end', () => resolve({ response, body: Buffer.concat(parts) }));
          response.on('error', reject);
        });
      forward.on('error', reject);
      forward.end(Buffer.concat(chunks));
    });

    const outHeaders = { ...answer.response.headers };
    delete outHeaders.connection;
    delete outHeaders['transfer-encoding'];
    for (const name of ['location', 'content-location']) {
      if (outHeaders[name]) outHeaders[name] = rewrite(outHeaders[name]);
    }
    const json = /json/.test(outHeaders['content-type'] ?? '');
    const body = json ? Buffer.from(rewrite(answer.body.toString('utf8'))) : answer.body;
    outHeaders['content-length'] = String(body.length);
    res.writeHead(answer.response.statusCode, outHeaders).end(body);
  }

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/fhir/.well-known/smart-configuration') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(smartConfiguration);
    } else if (upstream && (req.url === '/fhir' || /^\/fhir[/?]/.test(req.url))) {
      proxy(req, res).catch((err) => {
        res.writeHead(502, { 'Content-Type': 'text/plain' }).end(String(err));
      });
    } else if (req.url.startsWith('/interaction/')) {
      interact(req, res).catch((err) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
      });
    } else {
      callback(req, res);
    }
  });
  console.log(`listening on ${issuer}/fhir`);
});
