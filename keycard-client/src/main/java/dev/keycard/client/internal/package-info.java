/** The token source's machinery: secrets, discovery, the token request, retries and the cache. Not API. */
@NullMarked
package dev.keycard.client.internal;

import org.jspecify.annotations.NullMarked;
