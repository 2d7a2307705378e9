public class LoginController : Controller {
    public IActionResult Login(string sid) {
        // ruleid: csharp-cookie-missing-secure
        Response.Cookies.Append("sid", sid, new CookieOptions { SameSite = SameSiteMode.Lax });
        // ok: csharp-cookie-missing-secure
        Response.Cookies.Append("sid", sid, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return Ok();
    }
}
