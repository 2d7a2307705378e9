public class PreviewController : Controller {
    private readonly HttpClient http;
    public async Task<IActionResult> Preview() {
        // ruleid: csharp-ssrf-request-url
        var page = await http.GetStringAsync(Request.Query["url"]);
        // ok: csharp-ssrf-request-url
        var w = await http.GetStringAsync("https://api.weather.example/v1?city=" + Uri.EscapeDataString(city));
        return Content(page + w);
    }
}
