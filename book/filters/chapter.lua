--[[ include.lua - show real code in the book: a fenced code block with an
`include` attribute is replaced by (part of) that file.

    ```{.c include="mcat.c" from="TODO 2.1" to="die(\"mmap"}
    ```

include  the file, relative to the chapter's directory. The chapter is the
         `chapter` metadata value (tools/book.sh sets it, as it feeds the chapter
         on stdin), else the input file.
from/to  literal substrings (not patterns): the listing starts at the first
         line containing `from` and ends at the first line after it that
         contains `to`, both inclusive. Leave one out for the start or end
         of the file.
lines    "N-M", "N-" or "N" (1-based, inclusive); an alternative to from/to.

With no language class on the block, it comes from the file name (.c .h,
.sh .bats, Makefile .mk). The book shows the student's starter, so a path
that goes into a solutions/ directory is refused. Any problem is an error(),
which makes pandoc exit non-zero with a message naming chapter, file, marker.
Relative image paths are rewritten to the chapter's directory too, so the
chapters still find their pictures once merged into one book. ]]

local chapter, base -- the chapter being filtered, and its directory

local function fail(fmt, ...)
  error(chapter .. ": " .. fmt:format(...), 0)
end

local function join(dir, path)
  if path:sub(1, 1) == "/" or dir == "." then return path end
  return dir .. "/" .. path
end

-- Does the path, once its ".." are resolved, go through a solutions/ directory?
local function into_solutions(path)
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then table.remove(parts)
    elseif part ~= "." then table.insert(parts, part) end
  end
  for _, part in ipairs(parts) do
    if part == "solutions" then return true end
  end
  return false
end

local languages = { c = "c", h = "c", sh = "bash", bats = "bash", mk = "makefile" }
local function language(path)
  local name = path:match("[^/]*$")
  if name == "Makefile" or name == "GNUmakefile" then return "makefile" end
  return languages[name:match("%.(%w+)$") or ""]
end

-- The number of the first line, from `start` on, that contains `text`.
local function find(lines, text, start)
  for i = start, #lines do
    if lines[i]:find(text, 1, true) then return i end
  end
end

local function include(block)
  local a = block.attributes
  local name = a.include
  if not name then return nil end
  if into_solutions(name) then
    fail('include "%s": the book shows the starter in labs/, never solutions/', name)
  end
  local path = join(base, name)
  local file = io.open(path, "r")
  if not file then fail('include "%s": cannot read %s', name, path) end
  local lines = {}
  for line in file:lines() do table.insert(lines, line) end
  file:close()

  local first, last = 1, #lines
  if a.lines then
    if a.from or a.to then fail('include "%s": give lines or from/to, not both', name) end
    local m, n = a.lines:match("^(%d+)%-(%d*)$")
    if not m then m = a.lines:match("^(%d+)$"); n = m end
    if not m then fail('include "%s": lines="%s" is not N-M, N- or N', name, a.lines) end
    first, last = tonumber(m), (n == "" and #lines or tonumber(n))
    if first < 1 or first > last or last > #lines then
      fail('include "%s": lines="%s" is outside %s (%d lines)', name, a.lines, path, #lines)
    end
  end
  if a.from then
    first = find(lines, a.from, 1)
      or fail('include "%s": no line of %s contains from="%s"', name, path, a.from)
  end
  if a.to then
    last = find(lines, a.to, a.from and first + 1 or 1)
      or fail('include "%s": no line of %s%s contains to="%s"', name, path,
              a.from and (" after line " .. first) or "", a.to)
  end

  for _, key in ipairs { "include", "from", "to", "lines" } do a[key] = nil end
  if #block.classes == 0 then block.classes = { language(name) } end
  block.text = table.concat(lines, "\n", first, last)
  return block
end

local function image(img)
  if not img.src:match("^%a[%w+.-]*:") then img.src = join(base, img.src) end
  return img
end

-- Errors are collected during the walk and raised once at the end: an error
-- raised inside walk() reaches the user escaped and wrapped in a traceback.
function Pandoc(doc)
  chapter = doc.meta.chapter and pandoc.utils.stringify(doc.meta.chapter)
    or PANDOC_STATE.input_files[1] or "-"
  base = chapter:match("^(.*)/[^/]*$") or "."
  doc.meta.chapter = nil
  local problems = {}
  doc = doc:walk {
    CodeBlock = function(block)
      local ok, result = pcall(include, block)
      if ok then return result end
      table.insert(problems, result)
    end,
    Image = image,
  }
  if #problems > 0 then error(table.concat(problems, "\n"), 0) end
  return doc
end
