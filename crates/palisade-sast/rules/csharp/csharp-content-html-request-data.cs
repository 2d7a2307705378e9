public class HelloController : Controller {
    public IActionResult Hello() {
        // ruleid: csharp-content-html-request-data
        return Content("<h1>Hello " + Request.Query["name"] + "</h1>", "text/html");
    }
    public IActionResult HelloSafe() {
        // ok: csharp-content-html-request-data
        return Content("<h1>Hello " + HtmlEncoder.Default.Encode(Request.Query["name"]) + "</h1>", "text/html");
    }
}
