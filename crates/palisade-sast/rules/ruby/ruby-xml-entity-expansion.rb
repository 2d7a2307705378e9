class Importer
  def parse(xml)
    # ruleid: ruby-xml-entity-expansion
    Nokogiri::XML(xml, nil, nil, Nokogiri::XML::ParseOptions::NOENT)
    # ok: ruby-xml-entity-expansion
    Nokogiri::XML(xml, nil, nil, Nokogiri::XML::ParseOptions::STRICT | Nokogiri::XML::ParseOptions::NONET)
  end
end
