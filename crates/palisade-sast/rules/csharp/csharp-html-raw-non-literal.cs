using Microsoft.AspNetCore.Html;

class CommentView {
    IHtmlContent Render(Comment c) {
        // ruleid: csharp-html-raw-non-literal
        var a = new HtmlString("<p>" + c.Body + "</p>");
        // ok: csharp-html-raw-non-literal
        var b = new HtmlString(sanitizer.Sanitize(c.Body));
        return a;
    }
}
