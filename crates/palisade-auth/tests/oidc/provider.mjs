// A test OpenID provider (panva's oidc-provider) for palisade-auth's integration tests.
//
// Listens on 127.0.0.1:$PORT only. Configuration comes from the JSON in $PALISADE_OIDC_CONFIG:
//   { "redirect_uris": ["..."], "client_jwks": { "keys": [...] } }
// PKCE is required with S256 only, RFC 9207 `iss` is in every authorization response, PAR and
// DPoP (with server nonces) and back-channel logout are on, and access tokens for the test resource are RFC 9068 JWTs.
// Login is scripted: GET /interaction/:uid logs in "alice" without a form, so the Rust tests
// can drive the flow with plain HTTP requests. Prints "READY <issuer>" when listening.
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const cfg = JSON.parse(process.env.PALISADE_OIDC_CONFIG || '{}');
const issuer = `http://127.0.0.1:${port}`;
const RESOURCE = 'https://api.example.test';

function signingKey(type, options, kid, alg) {
  const jwk = crypto.generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' });
  return { ...jwk, kid, alg, use: 'sig' };
}

const common = {
  redirect_uris: cfg.redirect_uris,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  post_logout_redirect_uris: cfg.redirect_uris,
};

const configuration = {
  clients: [
    { ...common, client_id: 'basic-client', client_secret: 'basic-client-secret-for-tests-only', token_endpoint_auth_method: 'client_secret_basic' },
    { ...common, client_id: 'jwt-client', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: cfg.client_jwks },
    { ...common, client_id: 'public-client', token_endpoint_auth_method: 'none' },
    // Back-channel logout: the test's RP listens at cfg.backchannel_logout_uri.
    ...(cfg.backchannel_logout_uri ? [{
      ...common, client_id: 'bcl-client', token_endpoint_auth_method: 'none',
      backchannel_logout_uri: cfg.backchannel_logout_uri, backchannel_logout_session_required: true,
    }] : []),
  ],
  jwks: {
    keys: [
      signingKey('rsa', { modulusLength: 2048 }, 'rsa-1', 'RS256'),
      signingKey('ec', { namedCurve: 'P-256' }, 'ec-1', 'ES256'),
    ],
  },
  cookies: { keys: ['palisade-auth-test-cookie-key'] },
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid', 'email', 'offline_access'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: { enabled: true },
    dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read api:write',
        audience: RESOURCE,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 300,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  async findAccount(ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub, email: `${sub}@example.test`, email_verified: true }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email offline_access');
    grant.addResourceScope(RESOURCE, 'api:read api:write');
    await grant.save();
    return grant;
  },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
};

const provider = new Provider(issuer, configuration);

provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
    ctx.respond = false;
    if (process.env.PALISADE_OIDC_DEBUG) { const d = await provider.interactionDetails(ctx.req, ctx.res); console.error('interaction', JSON.stringify(d.prompt), JSON.stringify(d.params)); }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: 'alice' } }, { mergeWithLastSubmission: false });
    return;
  }
  await next();
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));

provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});

// Exit when the test process that started us goes away (it holds our stdin).
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
