import io.jsonwebtoken.JwtParser

fun claims(parser: JwtParser, token: String) {
    // ruleid: kotlin-jwt-unsigned-token-accepted
    val a = parser.parseClaimsJwt(token).body
    // ok: kotlin-jwt-unsigned-token-accepted
    val b = parser.parseClaimsJws(token).body
}
