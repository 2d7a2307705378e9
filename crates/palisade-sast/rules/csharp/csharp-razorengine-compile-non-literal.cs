using RazorEngine;
using RazorEngine.Templating;

class Mail {
    string Render(string userTemplate, object model) {
        // ruleid: csharp-razorengine-compile-non-literal
        var a = Engine.Razor.RunCompile(userTemplate, "mail", null, model);
        // ok: csharp-razorengine-compile-non-literal
        var b = Engine.Razor.RunCompile("Hello @Model.Name", "greeting", null, model);
        return a + b;
    }
}
