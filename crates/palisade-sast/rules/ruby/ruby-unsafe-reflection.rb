class ExportsController < ApplicationController
  def create
    # ruleid: ruby-unsafe-reflection
    exporter = params[:type].constantize.new
    # ok: ruby-unsafe-reflection
    exporter = EXPORTERS.fetch(params[:type], CsvExporter).new
  end
end
