import com.auth0.jwt.algorithms.Algorithm;

class Tokens {
    // ruleid: java-hardcoded-jwt-secret
    Algorithm bad = Algorithm.HMAC256("my-super-secret");
    // ok: java-hardcoded-jwt-secret
    Algorithm good = Algorithm.HMAC256(System.getenv("JWT_SECRET"));
}
