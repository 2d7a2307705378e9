using System.Text;
using Microsoft.IdentityModel.Tokens;

class Jwt {
    // ruleid: csharp-hardcoded-jwt-key
    SecurityKey bad = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("my-super-secret-signing-key-123456"));
    // ok: csharp-hardcoded-jwt-key
    SecurityKey good = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("JWT_KEY")));
}
