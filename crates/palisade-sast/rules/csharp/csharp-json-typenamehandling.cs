using Newtonsoft.Json;

class Json {
    // ruleid: csharp-json-typenamehandling
    static readonly JsonSerializerSettings Bad = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.All };
    // ok: csharp-json-typenamehandling
    static readonly JsonSerializerSettings Good = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.None };
}
