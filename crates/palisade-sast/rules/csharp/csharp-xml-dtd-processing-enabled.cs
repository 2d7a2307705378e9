using System.Xml;

class Parser {
    XmlReader Open(Stream s) {
        var settings = new XmlReaderSettings();
        // ruleid: csharp-xml-dtd-processing-enabled
        settings.DtdProcessing = DtdProcessing.Parse;
        // ok: csharp-xml-dtd-processing-enabled
        settings.DtdProcessing = DtdProcessing.Prohibit;
        return XmlReader.Create(s, settings);
    }
}
