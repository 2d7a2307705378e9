class PreviewController < ApplicationController
  def show
    # ruleid: ruby-ssrf-request-url
    body = HTTParty.get(params[:url]).body
    # ok: ruby-ssrf-request-url
    weather = HTTParty.get("https://api.weather.example/v1", query: { city: params[:city] }).body
  end
end
