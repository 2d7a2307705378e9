using Microsoft.IdentityModel.Tokens;

class Auth {
    TokenValidationParameters Params(SecurityKey key) {
        // ruleid: csharp-jwt-signature-validation-disabled
        var bad = new TokenValidationParameters { RequireSignedTokens = false, ValidateIssuer = true };
        // ok: csharp-jwt-signature-validation-disabled
        var good = new TokenValidationParameters { IssuerSigningKey = key, ValidateIssuerSigningKey = true, ValidateIssuer = true };
        return good;
    }
}
