class SessionRestore
  def restore(blob)
    # ruleid: ruby-marshal-load
    Marshal.load(Base64.decode64(blob))
    # ok: ruby-marshal-load
    JSON.parse(blob)
  end
end
