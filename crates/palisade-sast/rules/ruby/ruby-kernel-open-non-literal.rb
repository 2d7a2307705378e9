class Reports
  def read(name)
    # ruleid: ruby-kernel-open-non-literal
    open(name).read
    # ok: ruby-kernel-open-non-literal
    File.open(File.join(REPORT_DIR, File.basename(name))).read
  end
end
