package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookie value: {@code base64url(token text) "." base64url(HMAC-SHA256(token text))}, without
 * padding. Base64url keeps the value inside RFC 6265's cookie-octets (a token's {@code :} and
 * {@code ,} would not be, in every browser). A valid signature only proves this application (or one
 * sharing its key) issued the token; the driver still clamps it.
 */
public final class TokenSigner {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  // Longest value verify() looks at: a token of MAX_LENGTH characters and a 32-byte MAC.
  private static final int MAX_VALUE = 4 * ConsistencyToken.MAX_LENGTH / 3 + 4 + 1 + 44;

  private final SecretKeySpec key;

  public TokenSigner(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException(
          "lagwise.web.signing-key must be at least 32 bytes (base64), got " + key.length);
    }
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  public String sign(ConsistencyToken token) {
    byte[] text = token.toString().getBytes(StandardCharsets.US_ASCII);
    return ENCODER.encodeToString(text) + "." + ENCODER.encodeToString(mac(text));
  }

  /** The token in a validly signed value; null for anything else. */
  public ConsistencyToken verify(String value) {
    if (value == null || value.length() > MAX_VALUE) {
      return null;
    }
    int dot = value.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      byte[] text = DECODER.decode(value.substring(0, dot));
      byte[] signature = DECODER.decode(value.substring(dot + 1));
      if (!MessageDigest.isEqual(signature, mac(text))) {
        return null;
      }
      return ConsistencyToken.parse(new String(text, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private byte[] mac(byte[] text) {
    try {
      // Per request, not per statement: a Mac is not thread-safe and cheap to create.
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
