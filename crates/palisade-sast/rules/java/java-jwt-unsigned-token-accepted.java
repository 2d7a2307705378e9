import io.jsonwebtoken.*;

class Auth {
    Object bad(JwtParser parser, String token) {
        // ruleid: java-jwt-unsigned-token-accepted
        return parser.parseClaimsJwt(token).getBody();
    }
    Object good(JwtParser parser, String token) {
        // ok: java-jwt-unsigned-token-accepted
        return parser.parseClaimsJws(token).getBody();
    }
}
