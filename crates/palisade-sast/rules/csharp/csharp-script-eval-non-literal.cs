using Microsoft.CodeAnalysis.CSharp.Scripting;

class Calc {
    async Task<object> Eval(string expr) {
        // ruleid: csharp-script-eval-non-literal
        var a = await CSharpScript.EvaluateAsync(expr);
        // ok: csharp-script-eval-non-literal
        var b = await CSharpScript.EvaluateAsync("1 + 2");
        return a;
    }
}
