public class LoginController : Controller {
    public IActionResult Login() {
        // ruleid: csharp-log-request-data
        _logger.LogWarning("Login failed for " + Request.Form["user"]);
        // ok: csharp-log-request-data
        _logger.LogWarning("Login failed for {User}", Request.Form["user"].ToString().Replace("\n", ""));
        return Unauthorized();
    }
}
