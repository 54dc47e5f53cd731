--[[ index.lua - the book's last part: an index of the system calls, library calls and
flags each task uses, generated from the chapters (tools/book.sh runs it on the whole
book). A task is a "### Task N.M" heading (id lab-NN-task-N.M, from chapter.lua); what it
uses is the inline code of its section, up to the next heading:

  a call   `mmap()`: a name with a manual page in section 2 or 3 (manpages-dev, which
           `make book` installs), so that a lab's own functions (big_malloc) stay out
  a flag   `MAP_SHARED`, `MS_SYNC`, `SIGBUS`...: upper case, with a known prefix

Each entry links to the tasks, as "01: 1.1, 2.3". ]]

local prefixes = { "MAP", "PROT", "MS", "MADV", "MREMAP", "MFD", "F_SEAL", "F", "O", "SEGV",
  "BUS", "FUTEX", "M", "MCL", "MLOCK", "SA", "FALLOC_FL", "POSIX_FADV", "SHM", "IPC", "CLONE",
  "SEEK", "SYNC_FILE_RANGE", "RWF" }
local signals = { SIGSEGV = true, SIGBUS = true, SIGKILL = true, SIGCHLD = true }

local man = {}
local function has_man(name)
  if man[name] == nil then
    man[name] = false
    for _, s in ipairs { "2", "3" } do
      local f = io.open(("/usr/share/man/man%s/%s.%s.gz"):format(s, name, s))
      if f then f:close(); man[name] = true end
    end
  end
  return man[name]
end

local function term(text)
  local call = text:match("^([%a_][%w_]*)%(%)$")
  if call and has_man(call) then return call .. "()" end
  if signals[text] then return text end
  for _, p in ipairs(prefixes) do
    if text:match("^" .. p .. "_[A-Z0-9_]+$") and not text:match("_$") then return text end
  end
end

function Pandoc(doc)
  local uses, task = {}, nil -- term -> list of task ids (lab-NN-task-N.M), in book order
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" then
      task = block.identifier:match("^lab%-%d%d%-task%-[%d.]+$") and block.identifier or nil
    elseif task then
      pandoc.walk_block(block, {
        Code = function(c)
          local t = term(c.text)
          if t then
            uses[t] = uses[t] or {}
            if uses[t][#uses[t]] ~= task then table.insert(uses[t], task) end
          end
        end,
      })
    end
  end
  local terms = {}
  for t in pairs(uses) do table.insert(terms, t) end
  if #terms == 0 then return doc end
  table.sort(terms, function(a, b) return a:lower() < b:lower() end)
  local items = {}
  for _, t in ipairs(terms) do
    local line, lab = pandoc.List(), nil
    for _, id in ipairs(uses[t]) do
      local l, n = id:match("^lab%-(%d%d)%-task%-([%d.]+)$")
      if l ~= lab then
        if lab then line:insert(pandoc.Str("; ")) end
        line:insert(pandoc.Str("lab " .. l .. ": "))
        lab = l
      else
        line:insert(pandoc.Str(", "))
      end
      line:insert(pandoc.Link({ pandoc.Str(n) }, "#" .. id))
    end
    table.insert(items, { { pandoc.Code(t) }, { { pandoc.Plain(line) } } })
  end
  doc.blocks:insert(pandoc.Header(1, "Index of calls and flags", { id = "index" }))
  doc.blocks:insert(pandoc.Para { pandoc.Str(
    "The system calls, library calls and flags that each task's section names, with links to the tasks.") })
  doc.blocks:insert(pandoc.DefinitionList(items))
  return doc
end
