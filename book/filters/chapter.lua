--[[ chapter.lua - what a chapter needs to become part of the book. tools/book.sh runs
it on each part alone, with the metadata `chapter` (the file, since pandoc reads it on
stdin) and, for a lab's chapter, `lab` (its id, e.g. 03).

Listings   the code blocks after `<!-- listing FILE ... -->` markers are in the chapter
           itself (tools/listings.py writes them); the markers are dropped here. A block
           with the include attribute of the old filter is an error that says so.
Images     relative paths are rewritten to the chapter's directory, so that the chapters
           still find their pictures once merged into one book.
Anchors    in a lab's chapter, "### Task 2.1: ..." gets the id lab-03-task-2.1 and
           "## 2. cowfaults ..." the id lab-03-part-2, unless the heading has one.
Links      in the text (paragraphs, list items, table cells; not headings, code or
           links), "lab 05" links to #lab-05; "task 2.1" and "test 2.1" (a test of task
           2.1) to that task of the chapter's lab, or of the lab just named ("lab 01
           task 2.3", "lab 01, task 2.3"), or to its part when it has no heading;
           "task 2" to part 2. Outside a lab's chapter only "lab NN" links.
           A man page, "mmap(2)" (as text or as code), links to its page on man7.org; the
           kernel's "Documentation/admin-guide/mm/pagemap.rst" to docs.kernel.org.
A link to a task that has no heading is caught by tools/bookcheck.py (the link check). ]]

local lab -- the chapter's lab id, or nil
local headed = {} -- the ids the chapter's headings get: a task with no heading of its own
                  -- (lab 07's 4.1 to 4.4 are items of a list) links to its part instead

local function join(dir, path)
  if path:sub(1, 1) == "/" or dir == "." then return path end
  return dir .. "/" .. path
end

local function link(inlines, target)
  return pandoc.Link(inlines, "#" .. target)
end

-- "2.1," -> "2.1", ","  (a number, then what follows it in the same word)
local function number(text, pattern)
  local n, rest = text:match("^(" .. pattern .. ")(.*)$")
  if n and rest:match("^[%p]*$") and not rest:match("^%.%d") then return n, rest end
end

-- The address of a man page "name(N)" or of a kernel document "Documentation/x/y.rst".
local function reference(text)
  local name, section = text:match("^([%a_][%w_.-]*)%(([1-8])%)$")
  if name then
    return ("https://man7.org/linux/man-pages/man%s/%s.%s.html"):format(section, name, section)
  end
  local doc = text:match("^Documentation/([%w_/.-]+)%.rst$")
  if doc then return "https://docs.kernel.org/" .. doc .. ".html" end
end

-- A word that is a reference, with the punctuation around it kept out of the link.
local function referenced(str)
  local before, core, after = str.text:match("^([%(%[\"]*)(.-)([%)%],.;:\"]*)$")
  local url = core and reference(core)
  if not url then
    -- "mmap(2)," : the ")" belongs to the name
    before, core, after = str.text:match("^([%(%[]*)(.-%([1-8]%))([%),.;:]*)$")
    url = core and reference(core)
  end
  if not url then return nil end
  local out = pandoc.List()
  if before ~= "" then out:insert(pandoc.Str(before)) end
  out:insert(pandoc.Link({ pandoc.Str(core) }, url))
  if after ~= "" then out:insert(pandoc.Str(after)) end
  return out
end

local function linkify(inlines)
  local out, i = pandoc.List(), 1
  local function word(k) return inlines[k] and inlines[k].t == "Str" and inlines[k].text end
  while i <= #inlines do
    local w, space = word(i), inlines[i + 1] and inlines[i + 1].t == "Space"
    local open, kind = (w or ""):match("^([%(%[]?)(.*)$") -- "(task 2.1)": the link after "("
    kind = kind:lower()
    local target, took, rest
    if (kind == "lab" or kind == "labs") and space and word(i + 2) then
      local id, r = number(word(i + 2), "%d%d")
      -- "lab 01 task 2.3", "lab 01, task 2.3": one link, to that lab's task
      local t, r2
      if id and (r == "" or r == ",") and inlines[i + 3] and inlines[i + 3].t == "Space" and
          ((word(i + 4) or ""):lower() == "task" or (word(i + 4) or ""):lower() == "test") and inlines[i + 5] and
          inlines[i + 5].t == "Space" and word(i + 6) then
        t, r2 = number(word(i + 6), "%d+%.%d+")
      end
      if t then target, took, rest = "lab-" .. id .. "-task-" .. t, 6, r2
      elseif id then target, took, rest = "lab-" .. id, 2, r end
    elseif lab and (kind == "task" or kind == "test" or kind == "tests") and space and word(i + 2) then
      local t, r = number(word(i + 2), "%d+%.%d+")
      local task = t and "lab-" .. lab .. "-task-" .. t
      if task and not headed[task] and headed["lab-" .. lab .. "-part-" .. t:match("^%d+")] then
        task = "lab-" .. lab .. "-part-" .. t:match("^%d+")
      end
      if t then target, took, rest = task, 2, r
      elseif kind == "task" then
        local p, r3 = number(word(i + 2), "%d+")
        if p then target, took, rest = "lab-" .. lab .. "-part-" .. p, 2, r3 end
      end
    end
    local ref = not target and inlines[i].t == "Str" and referenced(inlines[i])
    if not target and inlines[i].t == "Code" and reference(inlines[i].text) then
      ref = { pandoc.Link({ inlines[i] }, reference(inlines[i].text)) }
    end
    if ref then
      out:extend(ref)
      i = i + 1
    elseif target then
      local text = pandoc.List()
      for k = i, i + took do text:insert(inlines[k]) end
      if open ~= "" then out:insert(pandoc.Str(open)); text[1] = pandoc.Str(w:sub(#open + 1)) end
      local last = text[#text]
      text[#text] = pandoc.Str(last.text:sub(1, #last.text - #rest))
      out:insert(link(text, target))
      if rest ~= "" then out:insert(pandoc.Str(rest)) end
      i = i + took + 1
    else
      out:insert(inlines[i])
      i = i + 1
    end
  end
  return out
end

local function header(h)
  if not lab or h.identifier ~= "" then return nil end
  local text = pandoc.utils.stringify(h.content)
  local task = h.level == 3 and text:match("^Task (%d+%.%d+):")
  local part = h.level == 2 and text:match("^(%d+)%. ")
  if task then h.identifier = "lab-" .. lab .. "-task-" .. task
  elseif part then h.identifier = "lab-" .. lab .. "-part-" .. part end
  return h
end

function Pandoc(doc)
  local chapter = doc.meta.chapter and pandoc.utils.stringify(doc.meta.chapter)
    or PANDOC_STATE.input_files[1] or "-"
  local base = chapter:match("^(.*)/[^/]*$") or "."
  lab = doc.meta.lab and pandoc.utils.stringify(doc.meta.lab) or nil
  doc.meta.chapter, doc.meta.lab = nil, nil
  local old = {}
  doc = doc:walk {
    CodeBlock = function(block)
      if block.attributes.include then table.insert(old, block.attributes.include) end
    end,
  }
  if #old > 0 then
    error(chapter .. ': ```{include="' .. old[1] .. '"} is gone: write <!-- listing ' .. old[1] ..
      ' from="..." to="..." --> in its place and run tools/listings.py', 0)
  end
  headed = {}
  doc = doc:walk { Header = function(h)
    h = header(h) or h
    headed[h.identifier] = true
    return h
  end }
  return doc:walk {
    RawBlock = function(raw)
      if raw.format == "html" and raw.text:match("^<!%-%- listing ") then return {} end
    end,
    Image = function(img)
      if not img.src:match("^%a[%w+.-]*:") then img.src = join(base, img.src) end
      return img
    end,
    Para = function(p) p.content = linkify(p.content); return p end,
    Plain = function(p) p.content = linkify(p.content); return p end,
  }
end
