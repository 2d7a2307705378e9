using System.Text.RegularExpressions;

public class SearchController : Controller {
    public IActionResult Search(string text) {
        // ruleid: csharp-regex-from-request
        var rx = new Regex(Request.Query["q"]);
        // ok: csharp-regex-from-request
        var rx2 = new Regex(Request.Query["q"], RegexOptions.None, TimeSpan.FromMilliseconds(100));
        return Ok(rx.IsMatch(text) && rx2.IsMatch(text));
    }
}
