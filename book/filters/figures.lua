--[[ figures.lua - find the figures that tools/figures.sh draws at build time.
An image whose path (relative to the project's root, as include.lua leaves it)
is no file of the tree but is one under the directory in the FIGURES
environment variable gets that file's absolute path, so that every output
(HTML, PDF through WeasyPrint, EPUB) loads it. Other images are left alone. ]]

local figures = os.getenv("FIGURES")

local function exists(path)
  local f = io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end

function Image(img)
  if figures and not img.src:match("^%a[%w+.-]*:") and img.src:sub(1, 1) ~= "/"
      and not exists(img.src) and exists(figures .. "/" .. img.src) then
    img.src = figures .. "/" .. img.src
  end
  return img
end
