public class PrefsController : Controller {
    public IActionResult Set() {
        // ruleid: csharp-session-from-request
        HttpContext.Session.SetString("role", Request.Form["role"]);
        // ok: csharp-session-from-request
        HttpContext.Session.SetString("lastSeen", DateTime.UtcNow.ToString("o"));
        return Ok();
    }
}
