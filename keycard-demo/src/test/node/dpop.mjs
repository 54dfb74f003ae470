// openid-client's DPoP (RFC 9449) against Keycard and an API protected by keycard-resource:
// discovery through RFC 8414 metadata, a client credentials grant with a DPoP proof (openid-client
// answers Keycard's use_dpop_nonce by itself), then GET API_URL with the bound token and a proof.
// Prints the token, its type, the DPoP public key as a JWK and the API's status, as JSON.
//   node dpop.mjs ISSUER CLIENT_ID CLIENT_SECRET RESOURCE API_URL
import * as client from 'openid-client';

const [issuer, clientId, secret, resource, apiUrl] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, {}, client.ClientSecretBasic(secret),
    { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
const keyPair = await client.randomDPoPKeyPair('ES256');
const DPoP = client.getDPoPHandle(config, keyPair);
const tokens = await client.clientCredentialsGrant(config, { resource }, { DPoP });
const api = await client.fetchProtectedResource(config, tokens.access_token, new URL(apiUrl), 'GET', undefined,
    undefined, { DPoP });
const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
process.stdout.write(JSON.stringify({ access_token: tokens.access_token, token_type: tokens.token_type,
    jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, api_status: api.status }));
