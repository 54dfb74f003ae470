// openid-client's PrivateKeyJwt client authentication against Keycard: discovery through RFC 8414
// metadata, a client credentials grant, the access token printed on stdout as JSON.
//   node private-key-jwt.mjs ISSUER CLIENT_ID PRIVATE_JWK_FILE RESOURCE
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';

const [issuer, clientId, jwkFile, resource] = process.argv.slice(2);
const jwk = JSON.parse(readFileSync(jwkFile, 'utf8'));
const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
const config = await client.discovery(new URL(issuer), clientId, {},
    client.PrivateKeyJwt({ key, kid: jwk.kid }),
    { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
const tokens = await client.clientCredentialsGrant(config, { resource });
process.stdout.write(JSON.stringify({ access_token: tokens.access_token, token_type: tokens.token_type }));
