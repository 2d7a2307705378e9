class Config
  def parse(text)
    # ruleid: ruby-yaml-unsafe-load
    YAML.unsafe_load(text)
    # ok: ruby-yaml-unsafe-load
    YAML.safe_load(text, permitted_classes: [Date])
  end
end
