public class AccountController : Controller {
    public IActionResult Login() {
        // ruleid: csharp-open-redirect
        return Redirect(Request.Query["returnUrl"]);
    }
    public IActionResult LoginSafe() {
        // ok: csharp-open-redirect
        return LocalRedirect(Url.Content("~/"));
    }
}
