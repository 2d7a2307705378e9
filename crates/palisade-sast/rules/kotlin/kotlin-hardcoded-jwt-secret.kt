import com.auth0.jwt.algorithms.Algorithm

// ruleid: kotlin-hardcoded-jwt-secret
val bad = Algorithm.HMAC256("my-super-secret")
// ok: kotlin-hardcoded-jwt-secret
val good = Algorithm.HMAC256(System.getenv("JWT_SECRET"))
